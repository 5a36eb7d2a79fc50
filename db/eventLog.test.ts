import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connect, createTenantWithSessions } from "../tests/support/fixtures";
import { IdempotencyConflictError, SessionNotFoundError } from "./errors";
import { appendEvents, headSequence, parseNotification, readEvents } from "./eventLog";
import { listenForEvents, type EventNotice } from "./eventListener";
import * as schema from "./schema";

const url = inject("databaseUrl");
const handle = connect(url, 30);
// Ground truth, read past row-level security.
const owner = connect(inject("ownerDatabaseUrl"), 2);
afterAll(() => Promise.all([handle.close(), owner.close()]));

const chat = (body: string) => ({
  type: "chat.posted",
  payload: { messageId: randomUUID(), body, audience: "everyone" },
});

async function sequencesOf(sessionId: string): Promise<number[]> {
  const { rows } = await owner.pool.query<{ sequence: number }>(
    "select sequence from session_state_events where session_id = $1 order by sequence",
    [sessionId],
  );
  return rows.map((r) => r.sequence);
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("appendEvents: sequencing", () => {
  it("gives 20 concurrent writers on one session the sequences 1..N with no gaps or duplicates", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const session = sessions[0]!;
    const writers = 20;
    const perWriter = 15;
    const results = await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const got: number[] = [];
        for (let i = 0; i < perWriter; i++) {
          // Mix single events and small batches: batches must stay contiguous.
          const events =
            i % 3 === 0 ? [chat(`w${w}-${i}a`), chat(`w${w}-${i}b`)] : [chat(`w${w}-${i}`)];
          const { events: stored } = await appendEvents(handle.pool, {
            tenantId: tenant.id,
            sessionId: session.id,
            events,
          });
          const seqs = stored.map((e) => e.sequence);
          expect(seqs).toEqual(oneToN(seqs.length).map((k) => seqs[0]! + k - 1));
          got.push(...seqs);
        }
        return got;
      }),
    );
    const total = writers * (perWriter + Math.ceil(perWriter / 3));
    const returned = results.flat().sort((a, b) => a - b);
    expect(returned).toEqual(oneToN(total));
    expect(await sequencesOf(session.id)).toEqual(oneToN(total));
    expect(await headSequence(handle.pool, { tenantId: tenant.id, sessionId: session.id })).toBe(
      total,
    );
  });

  it("keeps each of several sessions gap-free when 20 writers interleave across them", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle, 5);
    const perWriter = 20;
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const session = sessions[(w + i) % sessions.length]!;
          await appendEvents(handle.pool, {
            tenantId: tenant.id,
            sessionId: session.id,
            events: [chat(`${w}-${i}`)],
          });
        }
      }),
    );
    let total = 0;
    for (const session of sessions) {
      const seqs = await sequencesOf(session.id);
      expect(seqs).toEqual(oneToN(seqs.length));
      total += seqs.length;
    }
    expect(total).toBe(20 * perWriter);
  });

  it("refuses a session of another school and writes nothing", async () => {
    const a = await createTenantWithSessions(handle);
    const b = await createTenantWithSessions(handle);
    await expect(
      appendEvents(handle.pool, {
        tenantId: a.tenant.id,
        sessionId: b.sessions[0]!.id,
        events: [chat("hello")],
      }),
    ).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(await sequencesOf(b.sessions[0]!.id)).toEqual([]);
  });

  it("stores the binary Yjs update byte for byte", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const update = new Uint8Array([0, 1, 2, 250, 255, 0, 7]);
    await appendEvents(handle.pool, {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      events: [
        { type: "whiteboard.updated", payload: { boardId: "main", bytes: 7 }, yjsUpdate: update },
      ],
    });
    const [event] = await readEvents(handle.pool, {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
    });
    expect(event?.yjsUpdate).toEqual(update);
  });
});

describe("appendEvents: idempotency", () => {
  it("returns the original events for a retried key and appends nothing", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const input = {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      idempotencyKey: `retry-${randomUUID()}`,
      events: [chat("first"), chat("second")],
    };
    const first = await appendEvents(handle.pool, input);
    await appendEvents(handle.pool, { ...input, idempotencyKey: null, events: [chat("other")] });
    const retry = await appendEvents(handle.pool, input);
    expect(first.replayed).toBe(false);
    expect(retry.replayed).toBe(true);
    expect(retry.events.map((e) => e.sequence)).toEqual([1, 2]);
    expect(retry.events.map((e) => e.payload)).toEqual(first.events.map((e) => e.payload));
    expect(await sequencesOf(sessions[0]!.id)).toEqual([1, 2, 3]);
  });

  it("answers concurrent retries of one key with one append", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const input = {
      tenantId: tenant.id,
      sessionId: sessions[0]!.id,
      idempotencyKey: `race-${randomUUID()}`,
      events: [chat("only once")],
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => appendEvents(handle.pool, input)),
    );
    expect(new Set(results.map((r) => r.events[0]!.sequence))).toEqual(new Set([1]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await sequencesOf(sessions[0]!.id)).toEqual([1]);
  });

  it("rejects the same key with a different payload, a different type or a different batch length", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const key = `conflict-${randomUUID()}`;
    const base = { tenantId: tenant.id, sessionId: sessions[0]!.id, idempotencyKey: key };
    const original = chat("original");
    await appendEvents(handle.pool, { ...base, events: [original] });

    const changedPayload = { ...original, payload: { ...original.payload, body: "changed" } };
    await expect(
      appendEvents(handle.pool, { ...base, events: [changedPayload] }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(
      appendEvents(handle.pool, { ...base, events: [{ ...original, type: "chat.deleted" }] }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(
      appendEvents(handle.pool, { ...base, events: [original, chat("extra")] }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await sequencesOf(sessions[0]!.id)).toEqual([1]);
  });

  it("treats a payload with reordered keys as the same request", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const key = `order-${randomUUID()}`;
    const base = { tenantId: tenant.id, sessionId: sessions[0]!.id, idempotencyKey: key };
    const messageId = randomUUID();
    await appendEvents(handle.pool, {
      ...base,
      events: [{ type: "chat.posted", payload: { messageId, body: "hi", audience: "everyone" } }],
    });
    const retry = await appendEvents(handle.pool, {
      ...base,
      events: [{ type: "chat.posted", payload: { audience: "everyone", body: "hi", messageId } }],
    });
    expect(retry.replayed).toBe(true);
  });
});

describe("appendEvents: transactions and notifications", () => {
  it("notifies LISTEN clients only after commit, and never for a rolled-back append", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const session = sessions[0]!;
    const notices: EventNotice[] = [];
    const listener = await listenForEvents(url, {
      onNotice: (n) => {
        if (n.sessionId === session.id) notices.push(n);
      },
    });
    try {
      // 1. Held open: the append has run, its projection step is still going.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let appended!: () => void;
      const reachedProjection = new Promise<void>((resolve) => (appended = resolve));
      const pending = appendEvents(
        handle.pool,
        { tenantId: tenant.id, sessionId: session.id, events: [chat("a"), chat("b")] },
        {
          project: async () => {
            appended();
            await held;
          },
        },
      );
      await reachedProjection;
      await new Promise((r) => setTimeout(r, 200));
      expect(notices).toEqual([]);
      release();
      await pending;
      await expect.poll(() => notices).toEqual([{ sessionId: session.id, from: 1, to: 2 }]);

      // 2. Rolled back: nothing written, no notification, and the sequence is not consumed.
      await expect(
        appendEvents(
          handle.pool,
          { tenantId: tenant.id, sessionId: session.id, events: [chat("doomed")] },
          {
            project: async () => {
              throw new Error("projection failed");
            },
          },
        ),
      ).rejects.toThrow("projection failed");
      await appendEvents(handle.pool, {
        tenantId: tenant.id,
        sessionId: session.id,
        events: [chat("c")],
      });
      await expect.poll(() => notices.length).toBe(2);
      expect(notices[1]).toEqual({ sessionId: session.id, from: 3, to: 3 });
      expect(await sequencesOf(session.id)).toEqual([1, 2, 3]);
    } finally {
      await listener.close();
    }
  });

  it("lets the projection step write in the same transaction", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    await appendEvents(
      handle.pool,
      { tenantId: tenant.id, sessionId: sessions[0]!.id, events: [chat("x")] },
      {
        project: async (tx, events) => {
          await tx
            .update(schema.sessions)
            .set({ title: `projected ${events[0]!.sequence}` })
            .where(eq(schema.sessions.id, sessions[0]!.id));
        },
      },
    );
    const { rows } = await owner.pool.query("select title from sessions where id = $1", [
      sessions[0]!.id,
    ]);
    expect(rows[0].title).toBe("projected 1");
  });
});

describe("readEvents", () => {
  it("reads after a sequence, in order, with a limit (how clients fill gaps)", async () => {
    const { tenant, sessions } = await createTenantWithSessions(handle);
    const target = { tenantId: tenant.id, sessionId: sessions[0]!.id };
    await appendEvents(handle.pool, {
      ...target,
      events: Array.from({ length: 8 }, (_, i) => chat(`m${i}`)),
    });
    const page = await readEvents(handle.pool, { ...target, after: 3, limit: 3 });
    expect(page.map((e) => e.sequence)).toEqual([4, 5, 6]);
    expect(page.map((e) => (e.payload as { body: string }).body)).toEqual(["m3", "m4", "m5"]);
    const other = await createTenantWithSessions(handle);
    expect(
      await readEvents(handle.pool, { tenantId: other.tenant.id, sessionId: sessions[0]!.id }),
    ).toEqual([]);
  });

  it("parses notification payloads and ignores malformed ones", () => {
    const id = randomUUID();
    expect(parseNotification(`${id}:4-9`)).toEqual({ sessionId: id, from: 4, to: 9 });
    expect(parseNotification("garbage")).toBeNull();
  });
});
