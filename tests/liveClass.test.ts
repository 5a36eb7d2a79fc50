import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createLiveKitMedia } from "../core/media/livekit";
import { parseRoomName, roomName } from "../core/classes/lifecycle";
import { reconcileLiveClasses } from "../core/media/reconcile";
import { DEMO_PASSWORD } from "../db/seed";
import { eventTypes, refuseEvents, scheduleDemoClass } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import {
  signWebhook,
  startLiveKitStandIn,
  webhookBody,
  type LiveKitStandIn,
} from "./support/livekitStandIn";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

let standIn: LiveKitStandIn;
let app: TestApp;
const owner = connect(inject("ownerDatabaseUrl"), 3);

beforeAll(async () => {
  standIn = await startLiveKitStandIn();
  app = await startWebApp({
    LIVEKIT_URL: standIn.url,
    LIVEKIT_API_KEY: standIn.apiKey,
    LIVEKIT_API_SECRET: standIn.apiSecret,
    // LiveKit records straight into a bucket (never contacted by these tests).
    S3_BUCKET: "lectern-test",
    S3_ENDPOINT: "http://127.0.0.1:9",
    S3_ACCESS_KEY_ID: "test",
    S3_SECRET_ACCESS_KEY: "test-secret",
  });
});
afterAll(async () => {
  await app.close();
  await standIn.close();
  await owner.pool.query("drop trigger if exists test_refuse_event on session_state_events");
  await owner.close();
});
beforeEach(() => standIn.calls.splice(0));

async function as(who: string, target = app) {
  const browser = new Browser(target.url);
  await browser.signIn(`${who}@demo.lectern.test`, DEMO_PASSWORD);
  return browser;
}
const key = () => ({ "idempotency-key": `test-${randomUUID()}` });
const status = async (sessionId: string) =>
  (await owner.pool.query("select status from sessions where id = $1", [sessionId])).rows[0].status;
const callsFor = (method: string, room: string) =>
  standIn
    .callsOf(method)
    .filter((c) => c.body.name === room || c.body.room === room || c.body.roomName === room);

describe("the class lifecycle through HTTP, against the LiveKit stand-in", () => {
  it("waits, starts once, lets the enrolled student in with a subscribe-only token, records, and ends", async () => {
    const { sessionId, tenantId, id } = await scheduleDemoClass(app.database, owner.pool);
    const room = roomName(tenantId, sessionId);
    const [teacher, student, stranger] = await Promise.all([
      as("teacher"),
      as("student1"),
      as("student2"),
    ]);

    const waiting = await student.api(`/api/sessions/${sessionId}/join`, { headers: key() });
    expect(await waiting.json()).toMatchObject({ status: "waiting" });
    expect((await student.api(`/api/sessions/${sessionId}/start`)).status).toBe(403);

    // Two starts at once (a double click): one room, one event.
    const starts = await Promise.all([
      teacher.api(`/api/sessions/${sessionId}/start`, { headers: key() }),
      teacher.api(`/api/sessions/${sessionId}/start`, { headers: key() }),
    ]);
    expect(starts.map((r) => r.status)).toEqual([200, 200]);
    expect(callsFor("CreateRoom", room)).toHaveLength(1);
    expect(standIn.rooms.has(room)).toBe(true);
    expect(await status(sessionId)).toBe("live");

    const joined = await student.api(`/api/sessions/${sessionId}/join`, { headers: key() });
    const result = (await joined.json()) as {
      status: string;
      you: { role: string };
      media: { url: string; token: string };
    };
    expect(result).toMatchObject({ status: "live", you: { role: "student" } });
    expect(result.media.url).toBe(standIn.url.replace("http", "ws"));
    const claims = decodeJwt(result.media.token);
    expect(claims.sub).toBe(id("student1"));
    expect(claims.video).toMatchObject({
      room,
      roomJoin: true,
      canSubscribe: true,
      canPublish: false,
    });
    // Joining again (a reload) gives a fresh token but no second event.
    expect((await student.api(`/api/sessions/${sessionId}/join`)).status).toBe(200);
    expect((await stranger.api(`/api/sessions/${sessionId}/join`)).status).toBe(403);

    const recording = await teacher.api(`/api/sessions/${sessionId}/recordings`, {
      headers: key(),
    });
    const { recording: rec } = (await recording.json()) as {
      recording: { id: string; source: string };
    };
    expect(rec.source).toBe("livekit_egress");
    const [egress] = callsFor("StartRoomCompositeEgress", room);
    expect(egress!.body).toMatchObject({
      fileOutputs: [
        {
          filepath: `recordings/${tenantId}/${sessionId}/${rec.id}.mp4`,
          s3: { bucket: "lectern-test", endpoint: "http://127.0.0.1:9", forcePathStyle: true },
        },
      ],
    });

    expect((await student.api(`/api/sessions/${sessionId}/end`)).status).toBe(403);
    const ended = await teacher.api(`/api/sessions/${sessionId}/end`, { headers: key() });
    expect(ended.status).toBe(200);
    expect(standIn.callsOf("StopEgress")).toHaveLength(1);
    expect(callsFor("DeleteRoom", room)).toHaveLength(1);
    expect(standIn.rooms.has(room)).toBe(false);
    expect(await status(sessionId)).toBe("ended");
    expect(await eventTypes(owner.pool, sessionId)).toEqual([
      "session.scheduled",
      "session.started",
      "participant.joined",
      "recording.started",
      "participant.left",
      "recording.stopped",
      "session.ended",
    ]);
    const artifacts = await owner.pool.query(
      "select kind, status from artifacts where session_id = $1",
      [sessionId],
    );
    expect(artifacts.rows).toEqual([{ kind: "audio", status: "pending" }]);
    expect(await (await student.api(`/api/sessions/${sessionId}/join`)).json()).toMatchObject({
      status: "ended",
    });

    // A client that missed events fills the gap by sequence.
    const gap = await student.api(`/api/sessions/${sessionId}/events?after=2`, { method: "GET" });
    const { events } = (await gap.json()) as { events: { sequence: number }[] };
    expect(events.map((e) => e.sequence)).toEqual([3, 4, 5, 6, 7]);
  });

  it("joins from several tabs at once count once; a reused key for another class is a conflict", async () => {
    const a = await scheduleDemoClass(app.database, owner.pool);
    const b = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    await teacher.api(`/api/sessions/${a.sessionId}/start`);
    await teacher.api(`/api/sessions/${b.sessionId}/start`);
    const joins = await Promise.all(
      Array.from({ length: 8 }, () =>
        student.api(`/api/sessions/${a.sessionId}/join`, { headers: key() }),
      ),
    );
    expect(joins.map((r) => r.status)).toEqual(Array(8).fill(200));
    const types = await eventTypes(owner.pool, a.sessionId);
    expect(types.filter((t) => t === "participant.joined")).toHaveLength(1);

    // A key that did a join cannot be used for another class's join.
    const c = await scheduleDemoClass(app.database, owner.pool);
    await teacher.api(`/api/sessions/${c.sessionId}/start`);
    const reused = key();
    expect(
      (await student.api(`/api/sessions/${b.sessionId}/join`, { headers: reused })).status,
    ).toBe(200);
    const conflict = await student.api(`/api/sessions/${c.sessionId}/join`, { headers: reused });
    expect(conflict.status).toBe(409);
    expect(await eventTypes(owner.pool, c.sessionId)).toEqual([
      "session.scheduled",
      "session.started",
    ]);
    const badKey = await student.api(`/api/sessions/${b.sessionId}/join`, {
      headers: { "idempotency-key": "no spaces allowed" },
    });
    expect(badKey.status).toBe(400);
  });

  it("streams events to a waiting student as they are committed (server-sent events)", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    const stream = await student.api(`/api/sessions/${sessionId}/stream?after=1`, {
      method: "GET",
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    await teacher.api(`/api/sessions/${sessionId}/start`);
    let text = "";
    while (!text.includes("session.started")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    expect(text).toMatch(/id: 2\nevent: class\ndata: \{"sequence":2,"type":"session.started"/);
  });
});

describe("the failure matrix: nothing half done (LiveKit stand-in)", () => {
  it("LiveKit refusing the room: a clear 503 and no session.started", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const teacher = await as("teacher");
    standIn.failNext("CreateRoom", { status: 503, code: "unavailable" });
    const response = await teacher.api(`/api/sessions/${sessionId}/start`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: "unavailable", message: expect.stringContaining("LiveKit") },
    });
    expect(await status(sessionId)).toBe("scheduled");
    expect(await eventTypes(owner.pool, sessionId)).toEqual(["session.scheduled"]);
  });

  it("the event append failing during start: the room it created is deleted", async () => {
    const { sessionId, tenantId } = await scheduleDemoClass(app.database, owner.pool);
    const room = roomName(tenantId, sessionId);
    const teacher = await as("teacher");
    const lift = await refuseEvents(owner.pool, sessionId, "session.started");
    const response = await teacher.api(`/api/sessions/${sessionId}/start`);
    expect(response.status).toBe(500);
    expect(callsFor("CreateRoom", room)).toHaveLength(1);
    expect(callsFor("DeleteRoom", room)).toHaveLength(1);
    expect(standIn.rooms.has(room)).toBe(false);
    expect(await status(sessionId)).toBe("scheduled");
    expect(await eventTypes(owner.pool, sessionId)).toEqual(["session.scheduled"]);
    await lift();
    expect((await teacher.api(`/api/sessions/${sessionId}/start`)).status).toBe(200);
    expect(standIn.rooms.has(room)).toBe(true);
  });

  it("the event append failing during join: no token, no presence", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    await teacher.api(`/api/sessions/${sessionId}/start`);
    const lift = await refuseEvents(owner.pool, sessionId, "participant.joined");
    const response = await student.api(`/api/sessions/${sessionId}/join`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toMatch(/token/i);
    const present = await owner.pool.query(
      "select joined_at from session_participants where session_id = $1 and role = 'student'",
      [sessionId],
    );
    expect(present.rows).toEqual([]);
    await lift();
    expect((await student.api(`/api/sessions/${sessionId}/join`)).status).toBe(200);
  });

  it("LiveKit refusing to close the room: the class stays live and nothing is written", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const teacher = await as("teacher");
    await teacher.api(`/api/sessions/${sessionId}/start`);
    standIn.failNext("DeleteRoom", { status: 503, code: "unavailable" });
    expect((await teacher.api(`/api/sessions/${sessionId}/end`)).status).toBe(503);
    expect(await status(sessionId)).toBe("live");
    expect(await eventTypes(owner.pool, sessionId)).toEqual([
      "session.scheduled",
      "session.started",
    ]);
    expect((await teacher.api(`/api/sessions/${sessionId}/end`)).status).toBe(200);
    expect(await status(sessionId)).toBe("ended");
  });
});

describe("LiveKit webhooks (signed as the stand-in's key)", () => {
  const post = async (body: string, authorization?: string) =>
    fetch(`${app.url}/api/livekit/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/webhook+json",
        ...(authorization ? { authorization } : {}),
      },
      body,
    });

  async function liveClassWithStudent() {
    const setup = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    await teacher.api(`/api/sessions/${setup.sessionId}/start`);
    await student.api(`/api/sessions/${setup.sessionId}/join`);
    return { ...setup, teacher, room: roomName(setup.tenantId, setup.sessionId) };
  }

  it("accepts a signed event once; a replay of its id is ignored", async () => {
    const { sessionId, room, id } = await liveClassWithStudent();
    const body = webhookBody({
      id: `EV_${randomUUID()}`,
      event: "participant_left",
      room,
      participant: { identity: id("student1"), name: "Sam Student" },
    });
    const auth = await signWebhook(body, standIn);
    const first = await post(body, auth);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ outcome: "handled" });
    const again = await post(body, auth);
    expect(await again.json()).toMatchObject({ outcome: "duplicate" });
    const types = await eventTypes(owner.pool, sessionId);
    expect(types.filter((t) => t === "livekit.webhook")).toHaveLength(1);
    expect(types.filter((t) => t === "participant.left")).toHaveLength(1);
  });

  it("rejects forged, altered, stale and unsigned webhooks with 401 and records nothing", async () => {
    const { sessionId, room } = await liveClassWithStudent();
    const body = webhookBody({ id: `EV_${randomUUID()}`, event: "room_finished", room });
    const before = await eventTypes(owner.pool, sessionId);
    const forged = await signWebhook(body, { ...standIn, apiSecret: "z".repeat(40) });
    const stale = await signWebhook(body, standIn, { ttlSeconds: -120 });
    const altered = await signWebhook(body.replace("room_finished", "room_started"), standIn);
    for (const auth of [forged, stale, altered, undefined]) {
      const response = await post(body, auth);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect(await eventTypes(owner.pool, sessionId)).toEqual(before);
    expect(await status(sessionId)).toBe("live");
  });

  it("room_finished ends a live class and asks for the artifact pipeline", async () => {
    const { sessionId, room } = await liveClassWithStudent();
    const body = webhookBody({ id: `EV_${randomUUID()}`, event: "room_finished", room });
    expect((await post(body, await signWebhook(body, standIn))).status).toBe(200);
    expect(await status(sessionId)).toBe("ended");
    const types = await eventTypes(owner.pool, sessionId);
    expect(types.slice(-3)).toEqual(["livekit.webhook", "participant.left", "session.ended"]);
    const ended = await owner.pool.query(
      "select payload from session_state_events where session_id = $1 and type = 'session.ended'",
      [sessionId],
    );
    expect(ended.rows[0].payload).toEqual({ reason: "room_finished" });
    const artifacts = await owner.pool.query("select status from artifacts where session_id = $1", [
      sessionId,
    ]);
    expect(artifacts.rows).toEqual([{ status: "pending" }]);
  });

  it("egress_ended records the finished recording", async () => {
    const { sessionId, room, teacher } = await liveClassWithStudent();
    const started = await teacher.api(`/api/sessions/${sessionId}/recordings`);
    const { recording } = (await started.json()) as { recording: { id: string } };
    const [egressId] = [...standIn.egresses].find(([, e]) => e.roomName === room)!;
    const body = webhookBody({
      id: `EV_${randomUUID()}`,
      event: "egress_ended",
      room,
      egress: {
        egressId,
        status: "EGRESS_COMPLETE",
        file: { filename: "class.mp4", durationNs: 61_500_000_000, size: 1234 },
      },
    });
    expect((await post(body, await signWebhook(body, standIn))).status).toBe(200);
    const row = await owner.pool.query(
      "select status, duration_ms, size_bytes from recordings where id = $1",
      [recording.id],
    );
    expect(row.rows[0]).toEqual({ status: "available", duration_ms: 61_500, size_bytes: 1234 });
    expect((await eventTypes(owner.pool, sessionId)).slice(-3)).toEqual([
      "livekit.webhook",
      "recording.stopped",
      "recording.available",
    ]);
  });

  it("ignores rooms that are not Lectern's", async () => {
    const body = webhookBody({
      id: `EV_${randomUUID()}`,
      event: "room_finished",
      room: "someone-else",
    });
    const response = await post(body, await signWebhook(body, standIn));
    expect(await response.json()).toMatchObject({ outcome: "ignored" });
  });
});

describe("reconcile against the LiveKit stand-in", () => {
  it("ends a live class whose room vanished, fixes presence and removes stray rooms", async () => {
    const media = createLiveKitMedia(standIn);
    const deps = {
      db: app.database.db,
      pool: app.database.pool,
      directory: app.database.directory.db,
      media,
    };
    const vanished = await scheduleDemoClass(app.database, owner.pool);
    const drifting = await scheduleDemoClass(app.database, owner.pool);
    const teacher = await as("teacher");
    await teacher.api(`/api/sessions/${vanished.sessionId}/start`);
    await teacher.api(`/api/sessions/${drifting.sessionId}/start`);
    standIn.rooms.delete(roomName(vanished.tenantId, vanished.sessionId));
    // The student is in the media room, but the class never heard (a lost webhook).
    standIn.addParticipant(roomName(drifting.tenantId, drifting.sessionId), {
      identity: drifting.id("student1"),
      name: "Sam Student",
    });
    await owner.pool.query(
      "insert into session_participants (tenant_id, session_id, user_id, role) values ($1, $2, $3, 'student')",
      [drifting.tenantId, drifting.sessionId, drifting.id("student1")],
    );
    const stray = roomName(vanished.tenantId, randomUUID());
    await media.ensureRoom(stray);

    const later = new Date(Date.now() + 10 * 60_000);
    const report = await reconcileLiveClasses(deps, later);
    expect(report.ended).toContain(vanished.sessionId);
    expect(report.roomsDeleted).toContain(stray);
    expect(report.joined).toBeGreaterThanOrEqual(1);
    expect(await status(vanished.sessionId)).toBe("ended");
    expect((await eventTypes(owner.pool, drifting.sessionId)).at(-1)).toBe("participant.joined");
    expect(standIn.rooms.has(stray)).toBe(false);
    expect(parseRoomName(stray)).not.toBeNull();

    // A second pass finds nothing more to fix for these classes.
    const again = await reconcileLiveClasses(deps, later);
    expect(again.ended).not.toContain(vanished.sessionId);
    expect(again.roomsDeleted).not.toContain(stray);
  });
});
