import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uploadLimits } from "../core/media/chunkedUpload";
import { DEMO_PASSWORD } from "../db/seed";
import { eventTypes, scheduleDemoClass } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

// No LIVEKIT_URL: classes run without audio/video and the host's browser records.
let app: TestApp;
let storageDir: string;
const owner = connect(inject("ownerDatabaseUrl"), 2);
beforeAll(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), "lectern-recordings-"));
  app = await startWebApp({ STORAGE_DIR: storageDir });
});
afterAll(async () => {
  await app.close();
  await owner.close();
  await rm(storageDir, { recursive: true, force: true });
});

async function as(who: string) {
  const browser = new Browser(app.url);
  await browser.signIn(`${who}@demo.lectern.test`, DEMO_PASSWORD);
  return browser;
}

describe("a class without LiveKit", () => {
  it("starts and ends without a media server, and joining gets no media token", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    expect((await teacher.api(`/api/sessions/${sessionId}/start`)).status).toBe(200);
    const joined = await (await student.api(`/api/sessions/${sessionId}/join`)).json();
    expect(joined).toMatchObject({ status: "live", media: null });
    const page = await student.get(`/class/${sessionId}`);
    expect(await page.text()).toContain("Audio and video are not configured");
    expect((await teacher.api(`/api/sessions/${sessionId}/end`)).status).toBe(200);
    const ended = await student.get(`/class/${sessionId}`);
    expect(await ended.text()).toContain("Class ended");
  });
});

describe("browser recording: resumable chunk upload", () => {
  it("takes chunks out of order and repeated, refuses conflicting, oversized and incomplete uploads, then assembles", async () => {
    const { sessionId, tenantId } = await scheduleDemoClass(app.database, owner.pool);
    const [teacher, student] = await Promise.all([as("teacher"), as("student1")]);
    await teacher.api(`/api/sessions/${sessionId}/start`);
    const started = await teacher.api(`/api/sessions/${sessionId}/recordings`, {
      headers: { "idempotency-key": `rec-${randomUUID()}` },
    });
    const { recording } = (await started.json()) as {
      recording: { id: string; source: string; maxChunkBytes: number };
    };
    expect(recording).toMatchObject({
      source: "browser",
      maxChunkBytes: uploadLimits.maxChunkBytes,
    });
    const chunk = (index: number, body: Uint8Array, who = teacher) =>
      who.api(`/api/recordings/${recording.id}/chunks/${index}`, { method: "PUT", body });
    const parts = [randomBytes(3000), randomBytes(2000), randomBytes(1000)];

    // Only the host uploads.
    expect((await chunk(0, parts[0]!, student)).status).toBe(403);

    // Out of order, then a repeat of the same bytes, then other bytes for the same index.
    expect((await chunk(2, parts[2]!)).status).toBe(200);
    expect(await (await chunk(0, parts[0]!)).json()).toMatchObject({ duplicate: false });
    expect(await (await chunk(0, parts[0]!)).json()).toMatchObject({ duplicate: true });
    const conflict = await chunk(0, parts[1]!);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { details: { code: "chunk_conflict" } } });

    // Too big: refused before it is stored.
    const tooBig = await chunk(1, randomBytes(uploadLimits.maxChunkBytes + 1));
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: "too_large" } });
    expect((await chunk(-1, parts[1]!)).status).toBe(422);

    // Completing with chunk 1 missing names it; nothing is assembled.
    const complete = () =>
      teacher.api(`/api/recordings/${recording.id}/complete`, {
        json: { totalChunks: 3, durationMs: 15_000, mime: "audio/webm" },
      });
    const incomplete = await complete();
    expect(incomplete.status).toBe(409);
    expect(await incomplete.json()).toMatchObject({ error: { details: { missing: [1] } } });
    const resume = await teacher.api(`/api/recordings/${recording.id}/chunks`, { method: "GET" });
    expect(await resume.json()).toMatchObject({ received: [0, 2] });

    expect((await chunk(1, parts[1]!)).status).toBe(200);
    const done = await complete();
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ recording: { status: "available" } });
    expect((await complete()).status).toBe(200); // a retried completion is fine

    const row = await owner.pool.query(
      "select status, storage_key, size_bytes, duration_ms from recordings where id = $1",
      [recording.id],
    );
    const key = `recordings/${tenantId}/${sessionId}/${recording.id}.webm`;
    expect(row.rows[0]).toEqual({
      status: "available",
      storage_key: key,
      size_bytes: 6000,
      duration_ms: 15_000,
    });
    const file = await readFile(path.join(storageDir, ...key.split("/")));
    expect(file.equals(Buffer.concat(parts))).toBe(true);
    expect(await eventTypes(owner.pool, sessionId)).toEqual([
      "session.scheduled",
      "session.started",
      "recording.started",
      "recording.stopped",
      "recording.available",
    ]);
  });

  it("refuses bad completion bodies with a typed error", async () => {
    const { sessionId } = await scheduleDemoClass(app.database, owner.pool);
    const teacher = await as("teacher");
    await teacher.api(`/api/sessions/${sessionId}/start`);
    const { recording } = (await (
      await teacher.api(`/api/sessions/${sessionId}/recordings`)
    ).json()) as { recording: { id: string } };
    for (const json of [
      { totalChunks: 0 },
      { totalChunks: "many" },
      { totalChunks: 1, mime: "text/html" },
    ]) {
      const response = await teacher.api(`/api/recordings/${recording.id}/complete`, { json });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_input" } });
    }
    const notJson = await teacher.api(`/api/recordings/${recording.id}/complete`, {
      body: new TextEncoder().encode("{oops"),
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
  });
});
