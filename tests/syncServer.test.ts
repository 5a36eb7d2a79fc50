import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import * as Y from "yjs";
import { stateAt } from "../core/studio/docState";
import { appendSessionEvents } from "../core/log/sessionEvents";
import { mintSyncToken, verifySyncToken } from "../core/studio/syncToken";
import type { PushedEvents } from "../sync-server/classPush";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { eventTypes, refuseEvents, scheduleDemoClass } from "./support/classFixtures";
import { board, classroomHarness, converged, expectLoggedOnce, until } from "./support/syncClients";

const harness = classroomHarness({ checkpointEvery: 10, tokenGraceMs: 500 });
const { owner } = harness;

describe("the sync server (real Hocuspocus providers, real Postgres)", () => {
  it("sequences every board change before it is acknowledged, and the log rebuilds the document", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const a = await harness.sync.open(teacher, sessionId);
    const b = await harness.sync.open(teacher, sessionId);
    const viewer = await harness.sync.open(student, sessionId);
    for (let i = 0; i < 50; i += 1) {
      board(a.doc).set(`a${i}`, `shape from a ${i}`);
      board(b.doc).set(`b${i}`, `shape from b ${i}`);
    }
    await until(
      () =>
        board(viewer.doc).size === 100 &&
        !a.provider.hasUnsyncedChanges &&
        !b.provider.hasUnsyncedChanges,
    );
    expect(board(a.doc).toJSON()).toEqual(board(viewer.doc).toJSON());

    // Every update is in the log, in order, and replaying it gives the same document.
    const { rows } = await owner.pool.query<{ yjs_update: Buffer; sequence: number }>(
      `select yjs_update, sequence from session_state_events
        where session_id = $1 and type = 'whiteboard.updated' order by sequence`,
      [sessionId],
    );
    expect(rows.length).toBeGreaterThan(0);
    const replayed = new Y.Doc();
    for (const row of rows) Y.applyUpdate(replayed, new Uint8Array(row.yjs_update));
    expect(board(replayed).toJSON()).toEqual(board(a.doc).toJSON());
    expect(Y.encodeStateVector(replayed)).toEqual(Y.encodeStateVector(a.doc));
  });

  it("keeps students read-only: their board change is neither applied nor logged", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    board(pupil.doc).set("graffiti", "nope");
    board(host.doc).set("lesson", "photosynthesis");
    await until(() => board(pupil.doc).get("lesson") === "photosynthesis");
    await new Promise((r) => setTimeout(r, 300));
    expect(board(host.doc).get("graffiti")).toBeUndefined();
    const types = await eventTypes(owner.pool, sessionId);
    expect(types.filter((t) => t === "whiteboard.updated")).toHaveLength(1);
  });

  it("refuses changes to parts of the document that are not the studio's", async () => {
    const { sessionId, teacher } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    host.doc.getMap("somewhere-else").set("x", 1);
    await until(() => host.closes.some((c) => c.reason === "this change is not allowed for you"));
    expect(
      (await eventTypes(owner.pool, sessionId)).filter((t) => t === "whiteboard.updated"),
    ).toEqual([]);
  });

  it("halts when the log refuses: nothing is acknowledged, and the change lands once when it is writable again", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    const lift = await refuseEvents(owner.pool, sessionId, "whiteboard.updated");
    board(host.doc).set("kept", "while paused");
    await until(() => host.closes.some((c) => c.code === 4503));
    expect(host.provider.hasUnsyncedChanges).toBe(true);
    expect(board(pupil.doc).get("kept")).toBeUndefined();
    await lift();
    await until(() => board(pupil.doc).get("kept") === "while paused", 20_000);
    await until(() => !host.provider.hasUnsyncedChanges);
    const types = await eventTypes(owner.pool, sessionId);
    expect(types.filter((t) => t === "whiteboard.updated")).toHaveLength(1);
  });

  it("refuses people without a token for the class, and classes that are not live", async () => {
    const { sessionId } = await scheduleDemoClass(harness.app.database, owner.pool);
    const teacher = await harness.sync.as("teacher");
    expect((await teacher.api(`/api/sessions/${sessionId}/sync-token`)).status).toBe(409);
    const doc = new Y.Doc();
    let failed = false;
    const provider = new HocuspocusProvider({
      url: `${harness.app.url.replace("http", "ws")}/sync`,
      name: `session:${sessionId}`,
      document: doc,
      token: "forged",
      onAuthenticationFailed: () => {
        failed = true;
      },
    });
    await until(() => failed);
    provider.destroy();
  });

  it("rebuilds the document at any point from checkpoints and the log (stateAt)", async () => {
    const { sessionId, tenantId, teacher } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const captured: { sequence: number; board: unknown }[] = [];
    for (let i = 0; i < 60; i += 1) {
      board(host.doc).set(`s${i}`, `shape ${i}`);
      if (i % 7 === 6) board(host.doc).delete(`s${i - 3}`);
      await until(() => !host.provider.hasUnsyncedChanges);
      const { rows } = await owner.pool.query<{ last_event_seq: number }>(
        "select last_event_seq from sessions where id = $1",
        [sessionId],
      );
      captured.push({ sequence: rows[0]!.last_event_seq, board: board(host.doc).toJSON() });
    }
    const { rows: checkpoints } = await owner.pool.query(
      "select upto_sequence from session_doc_checkpoints where session_id = $1",
      [sessionId],
    );
    expect(checkpoints.length).toBeGreaterThan(2);
    const deps = { db: harness.app.database.db, pool: harness.app.database.pool };
    for (let n = 0; n < 20; n += 1) {
      const point = captured[Math.floor(Math.random() * captured.length)]!;
      const { doc } = await stateAt(deps, { tenantId, sessionId }, { sequence: point.sequence });
      expect(board(doc).toJSON()).toEqual(point.board);
    }
    const now = await stateAt(deps, { tenantId, sessionId }, { time: new Date() });
    expect(board(now.doc).toJSON()).toEqual(board(host.doc).toJSON());
  });

  it("sequences slide and scene changes by teachers as their own events; students follow", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    const deckId = randomUUID();
    const sceneId = randomUUID();
    host.doc.getMap("slides").set(deckId, 3);
    host.doc.getMap("scene").set("current", sceneId);
    await until(() => pupil.doc.getMap("scene").get("current") === sceneId);
    expect(pupil.doc.getMap("slides").get(deckId)).toBe(3);
    const { rows } = await owner.pool.query<{ type: string; payload: unknown }>(
      `select type, payload from session_state_events
        where session_id = $1 and type in ('slide.changed', 'scene.changed') order by sequence`,
      [sessionId],
    );
    expect(rows).toEqual([
      { type: "slide.changed", payload: { deckId, page: 3 } },
      { type: "scene.changed", payload: { sceneId } },
    ]);

    // A student moving the slides is refused, and so is a scene that is not an id.
    pupil.doc.getMap("slides").set(deckId, 9);
    host.doc.getMap("scene").set("current", "not-a-scene");
    await until(() => host.closes.some((c) => c.reason === "this change is not allowed for you"));
    await new Promise((r) => setTimeout(r, 200));
    const again = await eventTypes(owner.pool, sessionId);
    expect(again.filter((t) => t === "slide.changed" || t === "scene.changed")).toHaveLength(2);
  });

  it("pushes class events to open documents as stateless messages, each person seeing theirs", async () => {
    const { sessionId, tenantId, teacher, student, teacherId } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    const chat = (audience: "everyone" | "teachers") => ({
      type: "chat.posted",
      payload: { messageId: randomUUID(), body: `to ${audience}`, audience },
      actorUserId: teacherId,
    });
    await appendSessionEvents(owner.pool, {
      tenantId,
      sessionId,
      events: [chat("everyone"), chat("teachers")],
    });
    board(host.doc).set("between", "a board change is not pushed, it is in the document");
    await appendSessionEvents(owner.pool, { tenantId, sessionId, events: [chat("everyone")] });
    const bodies = (pushed: PushedEvents[]) =>
      pushed.flatMap((m) => m.events.map((e) => (e.payload as { body: string }).body));
    await until(() => bodies(pupil.pushed).length === 2 && bodies(host.pushed).length === 3);
    expect(bodies(host.pushed)).toEqual(["to everyone", "to teachers", "to everyone"]);
    expect(bodies(pupil.pushed)).toEqual(["to everyone", "to everyone"]);
    // Each message says where the previous one ended, so a client can tell it missed one.
    for (const { pushed } of [host, pupil]) {
      pushed.slice(1).forEach((message, i) => expect(message.since).toBe(pushed[i]!.last));
      expect(pushed.flatMap((m) => m.events.map((e) => e.type))).not.toContain(
        "whiteboard.updated",
      );
    }
    const { rows } = await owner.pool.query<{ last: number }>(
      `select max(sequence)::int as last from session_state_events
        where session_id = $1 and type = 'chat.posted'`,
      [sessionId],
    );
    expect(pupil.pushed.at(-1)!.last).toBe(rows[0]!.last);
  });

  it("lets a student draw once granted, without reconnecting, and stops them when it is taken back", async () => {
    const { sessionId, teacher, student, studentId } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    const grant = (granted: boolean) =>
      teacher.api(`/api/sessions/${sessionId}/participants/${studentId}/grants`, {
        json: { grant: "can_draw", granted },
      });
    expect((await grant(true)).status).toBe(200);
    await until(() => pupil.provider.configuration.websocketProvider.status === "connected");
    // The grant reaches the open connection through the log's feed.
    await until(() =>
      pupil.pushed.some((m) => m.events.some((e) => e.type === "participant.grant_changed")),
    );
    board(pupil.doc).set("by the student", "granted");
    await until(() => board(host.doc).get("by the student") === "granted");
    expect(pupil.closes).toEqual([]);

    expect((await grant(false)).status).toBe(200);
    await until(
      () =>
        pupil.pushed.filter((m) => m.events.some((e) => e.type === "participant.grant_changed"))
          .length === 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    board(pupil.doc).set("after", "revoked");
    await new Promise((r) => setTimeout(r, 300));
    expect(board(host.doc).get("after")).toBeUndefined();
    const drawn = (await eventTypes(owner.pool, sessionId)).filter(
      (t) => t === "whiteboard.updated",
    );
    expect(drawn).toHaveLength(1);

    // Students cannot hand out grants; bad bodies are typed errors.
    const bystander = await student.api(
      `/api/sessions/${sessionId}/participants/${studentId}/grants`,
      { json: { grant: "can_draw", granted: true } },
    );
    expect(bystander.status).toBe(403);
    const bad = await teacher.api(`/api/sessions/${sessionId}/participants/${studentId}/grants`, {
      json: { grant: "can_fly", granted: true },
    });
    expect(bad.status).toBe(422);
  });

  it("closes the connections of people who leave, and everyone's when the class ends", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const host = await harness.sync.open(teacher, sessionId);
    const pupil = await harness.sync.open(student, sessionId);
    expect((await student.api(`/api/sessions/${sessionId}/leave`)).status).toBe(200);
    await until(() =>
      pupil.closes.some((c) => c.reason === "you are no longer in this class"),
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(pupil.closes)}`);
    });
    pupil.provider.destroy();
    expect(host.closes).toEqual([]);
    expect((await teacher.api(`/api/sessions/${sessionId}/end`)).status).toBe(200);
    await until(() => host.closes.some((c) => c.reason === "the class has ended"));
  });

  it("refreshes tokens without dropping the connection, and closes one whose token runs out", async () => {
    const { sessionId, teacher } = await harness.sync.liveClass();
    const secret = inject("serverEnv").AUTH_SECRET;
    const { token } = await harness.sync.syncToken(teacher, sessionId);
    const claims = (await verifySyncToken(secret, token))!;
    const { expiresAt: _, ...rest } = claims;
    let asked = 0;
    // Two-second tokens: the server asks for a fresh one before each runs out.
    const fresh = async () => {
      asked += 1;
      return (await mintSyncToken(secret, rest, 2)).token;
    };
    const host = await harness.sync.open(teacher, sessionId, { token: fresh });
    const stale = (await mintSyncToken(secret, rest, 2)).token;
    const other = await harness.sync.open(teacher, sessionId, { token: async () => stale });
    await new Promise((r) => setTimeout(r, 4_500));
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(host.closes).toEqual([]);
    board(host.doc).set("still", "connected");
    await until(() => !host.provider.hasUnsyncedChanges);
    expect(other.closes.some((c) => c.reason === "sync token expired")).toBe(true);
  });

  it("converges when two co-teachers draw 1,000 shapes at once; the log holds each change once and replays byte-for-byte", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const [a, b, viewer] = await Promise.all([
      harness.sync.open(teacher, sessionId),
      harness.sync.open(teacher, sessionId),
      harness.sync.open(student, sessionId),
    ]);
    const draw = async (doc: Y.Doc, who: string) => {
      for (let i = 0; i < 500; i += 1) {
        board(doc).set(`${who}${i}`, { kind: "rect", x: i, y: i * 2, w: 10, h: 10 });
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all([draw(a.doc, "a"), draw(b.doc, "b")]);
    await converged([viewer, a, b], 1_000);
    expect(await expectLoggedOnce(owner.pool, sessionId, viewer.doc)).toHaveLength(1_000);
    const { rows } = await owner.pool.query<{ sequence: number }>(
      `select sequence from session_state_events where session_id = $1 order by sequence`,
      [sessionId],
    );
    // Gap-free, in sequence order.
    expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
  });
});
