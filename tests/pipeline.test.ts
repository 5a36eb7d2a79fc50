import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { PgBoss } from "pg-boss";
import { endClass, startClass, type LifecycleDeps } from "../core/classes/lifecycle";
import type { OpenDatabase } from "../core/platform/database";
import type { Logger } from "../core/platform/logger";
import { withTenant } from "../db/tenantContext";
import { pipelineTrigger, queueRun, startPipelineWorkers } from "../jobs/pipeline";
import { queueNames } from "../jobs/queues";
import { stageBodies, type StageBody } from "../jobs/stages/index";
import { sweepEndedClasses } from "../jobs/sweep";
import { scheduleDemoClass } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import {
  openTestDatabase,
  pipelineFinished,
  privateJobQueue,
  stageRowsOf,
} from "./support/pipeline";

const owner = connect(inject("ownerDatabaseUrl"), 3);
let database: OpenDatabase;
let boss: PgBoss;
let schema: string;
let log: Logger;
/** Per class: how many times transcribe fails before it works (Infinity: always). */
const transcribeFailures = new Map<string, number>();

const flakyTranscribe: StageBody = async (ctx) => {
  const left = transcribeFailures.get(ctx.sessionId) ?? 0;
  if (left > 0) {
    transcribeFailures.set(ctx.sessionId, left - 1);
    throw new Error("transcriber fell over");
  }
  return stageBodies.transcribe(ctx);
};

beforeAll(async () => {
  database = await openTestDatabase();
  ({ boss, schema, log } = await privateJobQueue(database));
  await startPipelineWorkers({
    boss,
    db: database.db,
    log,
    bodies: { transcribe: flakyTranscribe },
    pollingIntervalSeconds: 0.5,
  });
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await owner.pool.query(`drop schema if exists ${schema} cascade`);
  await database?.close();
  await owner.close();
});

async function liveClass() {
  const { sessionId, tenantId, teacher } = await scheduleDemoClass(database, owner.pool);
  await startClass(deps(null), teacher, sessionId);
  return { sessionId, tenantId, teacher };
}
function deps(pipeline: LifecycleDeps["pipeline"]): LifecycleDeps {
  return { db: database.db, pool: database.pool, media: null, pipeline };
}
const jobsOf = async (sessionId: string) =>
  (
    await owner.pool.query<{ name: string; state: string; retry_count: number }>(
      `select name, state, retry_count from ${schema}.job where singleton_key = $1 order by name`,
      [sessionId],
    )
  ).rows;
const runsOf = async (sessionId: string) =>
  (await owner.pool.query("select reason from artifact_runs where session_id = $1", [sessionId]))
    .rows;

const finishedWithoutRecording = [
  { kind: "alignment", status: "succeeded" },
  { kind: "audio", status: "skipped", output: { reason: "no recording" } },
  { kind: "captions", status: "skipped", output: { reason: "no transcript" } },
  { kind: "chapters", status: "succeeded" },
  { kind: "highlights", status: "succeeded" },
  { kind: "summary", status: "succeeded", output: { source: "extractive", note: "no transcript" } },
  { kind: "transcript", status: "skipped", output: { reason: "no recording" } },
];

describe("the artifact pipeline on pg-boss", () => {
  it("runs every stage for a class ended through the lifecycle, with no recording", async () => {
    const { sessionId, teacher } = await liveClass();
    await endClass(deps(pipelineTrigger(boss, log)), teacher, sessionId);
    expect(await runsOf(sessionId)).toEqual([{ reason: "session_ended" }]);
    const rows = await pipelineFinished(owner.pool, sessionId);
    expect(rows).toMatchObject(finishedWithoutRecording);
    expect(rows.every((r) => r.attempts === 1 && r.progress === 100 && r.error === null)).toBe(
      true,
    );
    const chapters = await owner.pool.query("select title from chapters where session_id = $1", [
      sessionId,
    ]);
    expect(chapters.rowCount).toBe(1);
    await expect
      .poll(async () => (await jobsOf(sessionId)).map((j) => j.state))
      .toEqual(["completed", "completed", "completed", "completed"]);
  });

  it("queues the job in the end's transaction: an end that rolls back leaves no job and no run", async () => {
    const { sessionId, tenantId } = await liveClass();
    const trigger = pipelineTrigger(boss, log);
    await expect(
      withTenant(database.db, tenantId, async (tx) => {
        await trigger.startPipeline(tx, { tenantId, sessionId, reason: "session_ended" });
        // Inside the transaction the job is there.
        const inside = await tx.execute(
          `select count(*)::int as n from ${schema}.job where singleton_key = '${sessionId}'`,
        );
        expect(inside.rows[0]).toEqual({ n: 1 });
        throw new Error("the end failed");
      }),
    ).rejects.toThrow("the end failed");
    expect(await jobsOf(sessionId)).toEqual([]);
    expect(await runsOf(sessionId)).toEqual([]);
  });

  it("the sweep starts a run for an ended class that has none, once", async () => {
    const { sessionId, tenantId, teacher } = await liveClass();
    // The crash between commit and enqueue: the class ends with no trigger at all.
    await endClass(deps(null), teacher, sessionId);
    expect(await jobsOf(sessionId)).toEqual([]);
    const sweep = { boss, db: database.db, directory: database.directory.db, log };
    const [first, second] = await Promise.all([
      sweepEndedClasses({ ...sweep, graceSeconds: 0, tenantIds: [tenantId] }),
      sweepEndedClasses({ ...sweep, graceSeconds: 0, tenantIds: [tenantId] }),
    ]);
    expect([...first!, ...second!].filter((id) => id === sessionId)).toEqual([sessionId]);
    expect(await runsOf(sessionId)).toEqual([{ reason: "sweep" }]);
    expect(await pipelineFinished(owner.pool, sessionId)).toMatchObject(finishedWithoutRecording);
    const again = await sweepEndedClasses({ ...sweep, graceSeconds: 0, tenantIds: [tenantId] });
    expect(again).not.toContain(sessionId);
  });

  it("a stage that fails twice then succeeds leaves one set of rows, attempts 3", async () => {
    const { sessionId, teacher } = await liveClass();
    transcribeFailures.set(sessionId, 2);
    await endClass(deps(pipelineTrigger(boss, log)), teacher, sessionId);
    const rows = await pipelineFinished(owner.pool, sessionId);
    expect(rows).toMatchObject(finishedWithoutRecording);
    expect(rows.find((r) => r.kind === "transcript")).toMatchObject({ attempts: 3, error: null });
    const jobs = await jobsOf(sessionId);
    expect(jobs.find((j) => j.name === queueNames.transcribe)).toMatchObject({
      state: "completed",
      retry_count: 2,
    });
    expect(jobs).toHaveLength(4);
  });

  it("a stage that always fails ends dead with its error, and is dead-lettered", async () => {
    const { sessionId, teacher } = await liveClass();
    transcribeFailures.set(sessionId, Infinity);
    await endClass(deps(pipelineTrigger(boss, log)), teacher, sessionId);
    await expect
      .poll(
        async () =>
          (await stageRowsOf(owner.pool, sessionId)).find((r) => r.kind === "transcript")?.status,
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toBe("dead");
    const transcript = (await stageRowsOf(owner.pool, sessionId)).find(
      (r) => r.kind === "transcript",
    );
    expect(transcript).toMatchObject({ attempts: 3, error: "transcriber fell over" });
    // Later stages never ran.
    expect((await stageRowsOf(owner.pool, sessionId)).map((r) => r.kind)).toEqual([
      "audio",
      "transcript",
    ]);
    await expect
      .poll(async () => (await jobsOf(sessionId)).map((j) => `${j.name}:${j.state}`))
      .toEqual([
        `${queueNames.dead}:completed`,
        `${queueNames.ingest}:completed`,
        `${queueNames.transcribe}:failed`,
      ]);
  });

  it("running the pipeline twice leaves the same rows", async () => {
    const { sessionId, tenantId, teacher } = await liveClass();
    await endClass(deps(pipelineTrigger(boss, log)), teacher, sessionId);
    const first = await pipelineFinished(owner.pool, sessionId);
    const products = async () =>
      (
        await owner.pool.query(
          `select (select json_agg(c order by position) from (select position, start_ms, end_ms, title from chapters where session_id = $1) c) as chapters,
                  (select count(*)::int from highlights where session_id = $1) as highlights`,
          [sessionId],
        )
      ).rows[0];
    const before = await products();
    await expect
      .poll(async () => (await jobsOf(sessionId)).every((j) => j.state === "completed"))
      .toBe(true);
    await withTenant(database.db, tenantId, (tx) =>
      queueRun(boss, tx, { tenantId, sessionId, reason: "sweep" }),
    );
    await expect
      .poll(async () => (await jobsOf(sessionId)).filter((j) => j.state === "completed").length, {
        timeout: 30_000,
      })
      .toBe(8);
    const second = await stageRowsOf(owner.pool, sessionId);
    const strip = (rows: typeof first) =>
      rows.map(({ kind, status, output, error }) => ({ kind, status, output, error }));
    expect(strip(second)).toEqual(strip(first));
    expect(await products()).toEqual(before);
  });
});
