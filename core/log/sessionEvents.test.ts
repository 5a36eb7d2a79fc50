import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, inject } from "vitest";
import { connect, createTenantWithSessions } from "../../tests/support/fixtures";
import { InvalidEventError } from "../../db/errors";
import { toAppError } from "../platform/errors";
import { eventTypes } from "./events";
import { appendSessionEvents } from "./sessionEvents";

const handle = connect(inject("databaseUrl"));
const owner = connect(inject("ownerDatabaseUrl"), 2);
afterAll(() => Promise.all([handle.close(), owner.close()]));

async function countEvents(sessionId: string): Promise<number> {
  const { rows } = await owner.pool.query<{ n: number }>(
    "select count(*)::int as n from session_state_events where session_id = $1",
    [sessionId],
  );
  return rows[0]!.n;
}

describe("appendSessionEvents (catalog-checked append)", () => {
  it("covers the event types the design names", () => {
    for (const type of [
      "session.started",
      "participant.grant_changed",
      "scene.changed",
      "slides.deck_added",
      "whiteboard.updated",
      "question.dismissed",
      "poll.voted",
      "hand.lowered",
      "cta.shown",
      "recording.available",
    ]) {
      expect(eventTypes).toContain(type);
    }
  });

  it("appends valid events with the catalog's version", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const { events } = await appendSessionEvents(handle.pool, {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      events: [{ type: "hand.raised", payload: { userId: randomUUID() } }],
    });
    expect(events[0]).toMatchObject({ type: "hand.raised", version: 1, sequence: 1 });
  });

  it("rejects an invalid payload for a known type with a typed error and writes nothing", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const attempt = appendSessionEvents(handle.pool, {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      events: [
        { type: "hand.raised", payload: { userId: randomUUID() } },
        {
          type: "chat.posted",
          payload: { messageId: "not-a-uuid", body: "", audience: "everyone" },
        },
      ],
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).details).toMatchObject({ index: 1, type: "chat.posted" });
    expect(toAppError(error)).toMatchObject({ code: "invalid_input", status: 422 });
    expect(await countEvents(sessions[0]!.id)).toBe(0);
  });

  it("rejects an unknown event type with a typed error and writes nothing", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const error = await appendSessionEvents(handle.pool, {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      events: [{ type: "session.exploded", payload: {} }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain('unknown event type "session.exploded"');
    expect(await countEvents(sessions[0]!.id)).toBe(0);
  });

  it("rejects an empty batch and a malformed idempotency key", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const target = { tenantId: tenant.id, sessionId: sessions[0]!.id };
    await expect(
      appendSessionEvents(handle.pool, { ...target, events: [] }),
    ).rejects.toBeInstanceOf(InvalidEventError);
    await expect(
      appendSessionEvents(handle.pool, {
        ...target,
        idempotencyKey: "has spaces and #hash",
        events: [{ type: "hand.raised", payload: { userId: randomUUID() } }],
      }),
    ).rejects.toBeInstanceOf(InvalidEventError);
    expect(await countEvents(sessions[0]!.id)).toBe(0);
  });
});
