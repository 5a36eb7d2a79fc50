import type { Server } from "node:http";
import { randomUUID } from "node:crypto";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWebApp, type WebApp } from "../app/web.server";
import { reasonOf, type ArtifactsView } from "../app/services/artifacts.server";
import { scheduleSession, enrollStudents } from "../core/classes/scheduling";
import { loadConfig } from "../core/platform/config";
import { openDatabase, type OpenDatabase } from "../core/platform/database";
import { createLogger, type Logger } from "../core/platform/logger";
import { freePort } from "../db/embedded";
import { DEMO_PASSWORD } from "../db/seed";
import { pipelineTrigger, startPipelineWorkers } from "../jobs/pipeline";
import { stageBodies, type StageBody } from "../jobs/stages/index";
import { demoIds } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import { privateJobQueue } from "./support/pipeline";
import { Browser } from "./support/webApp";

/*
 * "After class" over HTTP: the web app with a pipeline trigger and the
 * pipeline's workers in this process, on a pg-boss schema of this test's own.
 */

const owner = connect(inject("ownerDatabaseUrl"), 3);
let database: OpenDatabase;
let boss: PgBoss;
let schema: string;
let log: Logger;
let web: WebApp;
let server: Server;
let url: string;

/** Per "session:version": derive waits for the gate to open, or always fails. */
const gates = new Map<string, Promise<void>>();
const failing = new Set<string>();
const derive: StageBody = async (ctx) => {
  const key = `${ctx.sessionId}:${ctx.version}`;
  await gates.get(key);
  if (failing.has(key)) throw new Error("spawn ffmpeg ENOENT");
  return stageBodies.derive(ctx);
};

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: "production",
    ...inject("serverEnv"),
    APP_URL: url,
    LOG_LEVEL: "warn",
    SEED_DEMO: "true",
    AUTH_RATE_LIMIT_MAX: "1000",
  });
  log = createLogger(config.LOG_LEVEL);
  database = await openDatabase(config, log);
  ({ boss, schema } = await privateJobQueue(database));
  await startPipelineWorkers({
    boss,
    db: database.db,
    log,
    bodies: { derive },
    pollingIntervalSeconds: 0.5,
  });
  web = await createWebApp({
    config,
    db: database,
    log,
    readiness: { ready: true, reason: "serving" },
    pipeline: pipelineTrigger(boss, log),
  });
  server = await new Promise<Server>((resolve) => {
    const listening = web.app.listen(port, "127.0.0.1", () => resolve(listening));
  });
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await web?.close();
  await boss?.stop({ graceful: false });
  await owner.pool.query(`drop schema if exists ${schema} cascade`);
  await database?.close();
  await owner.close();
});

const people = new Map<string, Browser>();
async function as(who: string) {
  let browser = people.get(who);
  if (!browser) {
    browser = new Browser(url);
    await browser.signIn(`${who}@demo.lectern.test`, DEMO_PASSWORD);
    people.set(who, browser);
  }
  return browser;
}

/** A class taught by the demo teacher with Cora co-teaching and Sam enrolled, started and ended. */
async function endedClass(options: { end?: boolean } = {}) {
  const { tenantId, id } = await demoIds(owner.pool);
  const deps = { db: database.db, pool: database.pool };
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const teacher = { userId: id("teacher"), tenantId, tenantRole: "teacher" as const };
  const session = await scheduleSession(deps, teacher, {
    title: `After class ${randomUUID().slice(0, 8)}`,
    startsAt: `${tomorrow}T10:00`,
    durationMinutes: 60,
    timeZone: "UTC",
    coTeacherIds: [id("coteacher")],
  });
  await enrollStudents(deps, teacher, { sessionId: session.id }, { userIds: [id("student1")] });
  const host = await as("teacher");
  expect((await host.api(`/api/sessions/${session.id}/start`)).status).toBe(200);
  if (options.end !== false) {
    expect((await host.api(`/api/sessions/${session.id}/end`)).status).toBe(200);
  }
  return session.id;
}

const path = (sessionId: string) => `/api/sessions/${sessionId}/artifacts`;

async function statusOf(who: string, sessionId: string) {
  const response = await (await as(who)).get(path(sessionId), { accept: "application/json" });
  return { status: response.status, body: (await response.json()) as { artifacts: ArtifactsView } };
}

const rerun = async (who: string, sessionId: string, key = `rerun-${randomUUID()}`) =>
  (await as(who)).api(path(sessionId), {
    json: { action: "rerun" },
    headers: { "idempotency-key": key },
  });

async function settled(sessionId: string, version: number) {
  await expect
    .poll(
      async () => {
        const { artifacts } = (await statusOf("teacher", sessionId)).body;
        return `${artifacts.current?.version}:${artifacts.inProgress}`;
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(`${version}:false`);
  return (await statusOf("teacher", sessionId)).body.artifacts;
}

const rowsByVersion = async (table: string, sessionId: string) =>
  (
    await owner.pool.query<{ version: number; n: number }>(
      `select version, count(*)::int as n from ${table} where session_id = $1 group by version order by version`,
      [sessionId],
    )
  ).rows;

describe("GET /api/sessions/:id/artifacts", () => {
  it("shows each stage of a finished class with its status and the reason in words", async () => {
    const sessionId = await endedClass();
    const artifacts = await settled(sessionId, 1);
    expect(artifacts.next).toBeNull();
    expect(artifacts.canRerun).toBe(true);
    expect(artifacts.current).toMatchObject({ version: 1, state: "succeeded" });
    const stages = artifacts.current!.stages;
    expect(stages.map((s) => s.label)).toEqual([
      "Audio",
      "Transcript",
      "Alignment",
      "Chapters",
      "Highlights",
      "Summary",
      "Captions",
    ]);
    // No recording: the first two stages say so in words.
    expect(stages.slice(0, 2)).toEqual([
      {
        kind: "audio",
        label: "Audio",
        status: "skipped",
        progress: 100,
        attempts: 1,
        reason: "No recording was made, so there is no audio.",
      },
      {
        kind: "transcript",
        label: "Transcript",
        status: "skipped",
        progress: 100,
        attempts: 1,
        reason: "No recording was made, so there is no transcript.",
      },
    ]);
    expect(stages.find((s) => s.kind === "chapters")).toMatchObject({
      status: "succeeded",
      reason: null,
    });
    // What derive makes without a transcript is its own business; whatever it skipped says why.
    for (const stage of stages) {
      expect(["succeeded", "skipped"]).toContain(stage.status);
      expect(stage).toMatchObject({ progress: 100, attempts: 1 });
      expect(stage.reason === null).toBe(stage.status === "succeeded");
    }
    const captions = stages.find((s) => s.kind === "captions")!;
    if (captions.status === "skipped") {
      expect(captions.reason).toBe("There is no transcript, so there are no captions.");
    }
  });

  it("is for the class's teachers and the school's admins: students get 403, and only host and admins may re-run", async () => {
    const sessionId = await endedClass();
    await settled(sessionId, 1);
    const student = await statusOf("student1", sessionId);
    expect(student.status).toBe(403);
    expect(student.body).toMatchObject({ error: { code: "forbidden" } });
    const coTeacher = await statusOf("coteacher", sessionId);
    expect(coTeacher.status).toBe(200);
    expect(coTeacher.body.artifacts).toMatchObject({ current: { version: 1 }, canRerun: false });
    const admin = await statusOf("admin", sessionId);
    expect(admin.status).toBe(200);
    expect(admin.body.artifacts.canRerun).toBe(true);

    expect((await rerun("student1", sessionId)).status).toBe(403);
    expect((await rerun("coteacher", sessionId)).status).toBe(403);
    expect(await rowsByVersion("artifact_runs", sessionId)).toEqual([{ version: 1, n: 1 }]);
    // A school admin may, and it is version 2.
    const byAdmin = await rerun("admin", sessionId);
    expect(byAdmin.status).toBe(202);
    expect(await byAdmin.json()).toEqual({ run: { version: 2 } });
    await settled(sessionId, 2);
  });

  it("re-runs only an ended class", async () => {
    const sessionId = await endedClass({ end: false });
    const response = await rerun("teacher", sessionId);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "conflict" } });
    expect((await statusOf("teacher", sessionId)).body.artifacts).toMatchObject({
      current: null,
      next: null,
      canRerun: false,
    });
    const bad = await (await as("teacher")).api(path(sessionId), { json: { action: "redo" } });
    expect(bad.status).toBe(422);
  });
});

describe("POST /api/sessions/:id/artifacts {action: rerun}", () => {
  it("queues version 2 beside version 1, which stays until 2 succeeds; 409 while it runs; a retried key answers the first result", async () => {
    const sessionId = await endedClass();
    await settled(sessionId, 1);
    expect(await rowsByVersion("chapters", sessionId)).toEqual([{ version: 1, n: 1 }]);

    let open!: () => void;
    gates.set(`${sessionId}:2`, new Promise<void>((resolve) => (open = resolve)));
    const key = `rerun-${randomUUID()}`;
    const first = await rerun("teacher", sessionId, key);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ run: { version: 2 } });
    // The same request again: the same answer, nothing queued twice.
    const retried = await rerun("teacher", sessionId, key);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ run: { version: 2 } });
    expect(await rowsByVersion("artifact_runs", sessionId)).toEqual([
      { version: 1, n: 1 },
      { version: 2, n: 1 },
    ]);
    // Another re-run while version 2 is in progress.
    const again = await rerun("teacher", sessionId);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "conflict" } });

    // Version 2 reaches derive and waits there: readers still get version 1, and see 2 beside it.
    await expect
      .poll(
        async () =>
          (await statusOf("teacher", sessionId)).body.artifacts.next?.stages.find(
            (s) => s.kind === "chapters",
          )?.status,
        { timeout: 30_000, interval: 250 },
      )
      .toBe("running");
    const during = (await statusOf("teacher", sessionId)).body.artifacts;
    expect(during).toMatchObject({
      current: { version: 1, state: "succeeded" },
      next: { version: 2, state: "running" },
      inProgress: true,
      canRerun: false,
    });
    expect(during.next!.stages.find((s) => s.kind === "alignment")?.status).toBe("succeeded");
    expect(await rowsByVersion("chapters", sessionId)).toEqual([{ version: 1, n: 1 }]);

    open();
    const after = await settled(sessionId, 2);
    expect(after).toMatchObject({ current: { version: 2 }, next: null, canRerun: true });
    // Version 1 is gone only now, outputs and status rows alike.
    expect(await rowsByVersion("chapters", sessionId)).toEqual([{ version: 2, n: 1 }]);
    expect(await rowsByVersion("artifacts", sessionId)).toEqual([{ version: 2, n: 7 }]);
    expect(await rowsByVersion("highlights", sessionId)).not.toContainEqual(
      expect.objectContaining({ version: 1 }),
    );
  });

  it("shows a re-run that gave up beside the version readers keep using, and allows another", async () => {
    const sessionId = await endedClass();
    await settled(sessionId, 1);
    failing.add(`${sessionId}:2`);
    expect((await rerun("teacher", sessionId)).status).toBe(202);
    await expect
      .poll(async () => (await statusOf("teacher", sessionId)).body.artifacts.next?.state, {
        timeout: 30_000,
        interval: 250,
      })
      .toBe("failed");
    const artifacts = (await statusOf("teacher", sessionId)).body.artifacts;
    expect(artifacts).toMatchObject({
      current: { version: 1 },
      next: { version: 2, state: "failed" },
      inProgress: false,
      canRerun: true,
    });
    expect(artifacts.next!.stages.find((s) => s.kind === "chapters")).toMatchObject({
      status: "dead",
      attempts: 3,
      reason:
        "A program the server needs for audio is missing or failed. It gave up after 3 attempts.",
    });
    expect(await rowsByVersion("chapters", sessionId)).toEqual([{ version: 1, n: 1 }]);
    // Another re-run is version 3, and once it succeeds both earlier versions go.
    const third = await rerun("teacher", sessionId);
    expect(await third.json()).toEqual({ run: { version: 3 } });
    await settled(sessionId, 3);
    expect(await rowsByVersion("artifacts", sessionId)).toEqual([{ version: 3, n: 7 }]);
  });
});

describe("reasons in words", () => {
  const row = (status: "skipped" | "failed" | "dead", extra: object = {}) => ({
    status,
    attempts: 2,
    error: null,
    output: null,
    ...extra,
  });
  it("maps raw reasons and errors to sentences", () => {
    expect(reasonOf("transcript", row("skipped", { output: { reason: "no recording" } }))).toBe(
      "No recording was made, so there is no transcript.",
    );
    expect(
      reasonOf("transcript", row("skipped", { output: { reason: "no transcriber configured" } })),
    ).toBe("Speech recognition is not set up on this server, so there is no transcript.");
    expect(reasonOf("audio", row("failed", { error: "connect ECONNREFUSED 10.0.0.1:9000" }))).toBe(
      "It could not reach a service it needs. It will be tried again (attempt 2 failed).",
    );
    expect(
      reasonOf(
        "summary",
        row("dead", { error: "gave up after its last attempt (the worker stopped or timed out)" }),
      ),
    ).toBe(
      "The worker stopped or ran out of time on its last attempt. It gave up after 2 attempts.",
    );
    expect(reasonOf("summary", row("dead", { error: "TypeError: x is undefined" }))).toBe(
      "Something went wrong while making it. It gave up after 2 attempts.",
    );
  });
});
