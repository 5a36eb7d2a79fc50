import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../core/interaction/chat";
import { eventTypes } from "./support/classFixtures";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

const harness = classroomHarness();
const { owner } = harness;

const post = (who: Browser, sessionId: string, json: unknown, key = crypto.randomUUID()) =>
  who.api(`/api/sessions/${sessionId}/chat`, {
    json,
    headers: { "idempotency-key": `chat-${key}` },
  });
const history = async (who: Browser, sessionId: string) =>
  ((await (await who.get(`/api/sessions/${sessionId}/chat`)).json()) as { messages: ChatMessage[] })
    .messages;

describe("class chat over HTTP (real Postgres)", () => {
  it("posts once per idempotency key, keeps private messages private, and lets teachers delete", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const key = crypto.randomUUID();
    const first = await post(student, sessionId, { body: "Hello <b>class</b>" }, key);
    const again = await post(student, sessionId, { body: "Hello <b>class</b>" }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    const a = ((await first.json()) as { message: ChatMessage }).message;
    const b = ((await again.json()) as { message: ChatMessage }).message;
    expect(b.messageId).toBe(a.messageId);
    expect(
      (await eventTypes(owner.pool, sessionId)).filter((t) => t === "chat.posted"),
    ).toHaveLength(1);

    await post(student, sessionId, { body: "Only for the teacher", audience: "teachers" });
    await post(teacher, sessionId, { body: "Welcome!" });
    expect((await history(teacher, sessionId)).map((m) => m.body)).toEqual([
      "Hello <b>class</b>",
      "Only for the teacher",
      "Welcome!",
    ]);
    expect((await history(student, sessionId)).map((m) => m.body)).toContain(
      "Only for the teacher",
    );

    // The projection matches the log.
    const { rows } = await owner.pool.query<{ n: number }>(
      `select count(*)::int as n from chat_messages where session_id = $1`,
      [sessionId],
    );
    expect(rows[0]!.n).toBe(3);

    // Students cannot delete; teachers can, and the message is gone for everyone.
    const del = (who: Browser) =>
      who.api(`/api/sessions/${sessionId}/chat/${a.messageId}`, { method: "DELETE" });
    expect((await del(student)).status).toBe(403);
    expect((await del(teacher)).status).toBe(204);
    const after = await history(student, sessionId);
    expect(after[0]).toMatchObject({ messageId: a.messageId, deleted: true, body: "" });
    expect(await eventTypes(owner.pool, sessionId)).toContain("chat.deleted");
  });

  it("refuses empty and overlong messages with a typed error", async () => {
    const { sessionId, student } = await harness.sync.liveClass();
    const empty = await post(student, sessionId, { body: "   " });
    expect(empty.status).toBe(422);
    const long = await post(student, sessionId, { body: "x".repeat(2_001) });
    expect(long.status).toBe(422);
    const bad = await student.api(`/api/sessions/${sessionId}/chat`, {
      body: new TextEncoder().encode("not json"),
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
  });

  it("lets teachers mute a student and the host close chat to students", async () => {
    const { sessionId, teacher, student, studentId, teacherId } = await harness.sync.liveClass();
    const moderate = (who: Browser, json: unknown) =>
      who.api(`/api/sessions/${sessionId}/chat/moderation`, { json });
    const studentPosts = async () => (await post(student, sessionId, { body: "hi" })).status;

    expect(
      (await moderate(student, { action: "mute", userId: studentId, muted: true })).status,
    ).toBe(403);
    expect(
      (await moderate(teacher, { action: "mute", userId: teacherId, muted: true })).status,
    ).toBe(403);
    const muted = await moderate(teacher, { action: "mute", userId: studentId, muted: true });
    expect(((await muted.json()) as { rules: { muted: string[] } }).rules.muted).toEqual([
      studentId,
    ]);
    expect(await studentPosts()).toBe(403);
    await moderate(teacher, { action: "mute", userId: studentId, muted: false });
    expect(await studentPosts()).toBe(201);

    await moderate(teacher, { action: "lock", locked: true });
    expect(await studentPosts()).toBe(403);
    expect((await post(teacher, sessionId, { body: "teachers still talk" })).status).toBe(201);
    await moderate(teacher, { action: "lock", locked: false });
    expect(await studentPosts()).toBe(201);
    const types = (await eventTypes(owner.pool, sessionId)).filter((t) => t.startsWith("chat."));
    expect(types.filter((t) => t === "chat.muted")).toHaveLength(2);
    expect(types.filter((t) => t === "chat.locked")).toHaveLength(2);
    expect((await moderate(teacher, { action: "lock", locked: "yes" })).status).toBe(422);
  });
});
