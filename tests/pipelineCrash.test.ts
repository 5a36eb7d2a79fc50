import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../db/scratchDatabase";
import { freePort } from "../db/embedded";
import { loadConfig } from "../core/platform/config";
import { openDatabase, type OpenDatabase } from "../core/platform/database";
import { createLogger } from "../core/platform/logger";
import { endClass, startClass } from "../core/classes/lifecycle";
import { scheduleDemoClass } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import { stageRowsOf } from "./support/pipeline";

/*
 * A real jobs process (server.ts, ROLE=jobs) on a database of this test's
 * own, killed with SIGKILL in the middle of a stage, then another started:
 * the rows end as an uninterrupted run's do, nothing duplicated.
 */

let scratch: ScratchDatabase;
let database: OpenDatabase;
let owner: ReturnType<typeof connect>;

beforeAll(async () => {
  scratch = await createScratchDatabase("pipelinecrash");
  const config = loadConfig({
    NODE_ENV: "production",
    ...scratch.env,
    LOG_LEVEL: "warn",
    SEED_DEMO: "true",
  });
  database = await openDatabase(config, createLogger("warn"));
  owner = connect(scratch.ownerUrl, 3);
}, 120_000);
afterAll(async () => {
  await database?.close();
  await owner?.close();
  await scratch?.drop();
});

async function jobsProcess(): Promise<{ kill(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      ...scratch.env,
      NODE_ENV: "production",
      ROLE: "jobs",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      SEED_DEMO: "false",
      PIPELINE_SWEEP_GRACE_SECONDS: "0",
      PIPELINE_STAGE_TIMEOUT_SECONDS: "3",
      PIPELINE_RETRY_DELAY_SECONDS: "1",
      JOBS_SUPERVISE_INTERVAL_SECONDS: "1",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok, {
      timeout: 30_000,
      interval: 100,
    })
    .toBe(true);
  return {
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A class ended with no trigger at all: what a crash between commit and enqueue leaves. */
async function endedWithoutTrigger() {
  const { sessionId, teacher } = await scheduleDemoClass(database, owner.pool);
  const deps = { db: database.db, pool: database.pool, media: null };
  await startClass(deps, teacher, sessionId);
  await endClass(deps, teacher, sessionId);
  return sessionId;
}

const products = async (sessionId: string) => {
  const rows = await stageRowsOf(owner.pool, sessionId);
  const count = async (table: string) =>
    (
      await owner.pool.query(`select count(*)::int as n from ${table} where session_id = $1`, [
        sessionId,
      ])
    ).rows[0].n;
  return {
    rows: rows.map(({ kind, status, output, error }) => ({ kind, status, output, error })),
    chapters: await count("chapters"),
    highlights: await count("highlights"),
    runs: await count("artifact_runs"),
  };
};
const finished = (sessionId: string) =>
  expect
    .poll(
      async () =>
        (await stageRowsOf(owner.pool, sessionId)).filter((r) =>
          ["succeeded", "skipped"].includes(r.status),
        ).length,
      {
        timeout: 60_000,
        interval: 200,
      },
    )
    .toBe(7);

it("a jobs process killed mid-stage leaves a job another process finishes, with the same rows", async () => {
  const crashed = await endedWithoutTrigger();

  // Hold the chapters table so derive stops half-way, its job active.
  const blocker = await owner.pool.connect();
  await blocker.query("begin");
  await blocker.query("lock table chapters in exclusive mode");
  const first = await jobsProcess();
  try {
    await expect
      .poll(
        async () =>
          (await stageRowsOf(owner.pool, crashed)).find((r) => r.kind === "chapters")?.status,
        { timeout: 30_000, interval: 100 },
      )
      .toBe("running");
    await first.kill();
  } finally {
    await blocker.query("rollback");
    blocker.release();
  }
  // Nothing of derive was written by the dead process.
  expect((await products(crashed)).chapters).toBe(0);

  const second = await jobsProcess();
  try {
    await finished(crashed);
  } finally {
    await second.stop();
  }
  const b = await products(crashed);
  // What an uninterrupted run of a class without a recording leaves (tests/pipeline.test.ts).
  expect(b.rows).toEqual([
    { kind: "alignment", status: "succeeded", output: expect.anything(), error: null },
    { kind: "audio", status: "skipped", output: { reason: "no recording" }, error: null },
    { kind: "captions", status: "skipped", output: { reason: "no transcript" }, error: null },
    {
      kind: "chapters",
      status: "succeeded",
      output: { count: 1, sources: ["class"] },
      error: null,
    },
    { kind: "highlights", status: "succeeded", output: { count: 0, kinds: {} }, error: null },
    {
      kind: "summary",
      status: "succeeded",
      output: { source: "extractive", note: "no transcript", chapters: 1 },
      error: null,
    },
    { kind: "transcript", status: "skipped", output: { reason: "no recording" }, error: null },
  ]);
  expect(b.runs).toBe(1);
  expect(b.chapters).toBe(1);
  const derive = await owner.pool.query<{ state: string; retry_count: number }>(
    "select state, retry_count from pgboss.job where name = 'pipeline.derive' and singleton_key = $1",
    [crashed],
  );
  // One job, taken back after its expiry and finished on its second attempt.
  expect(derive.rows).toEqual([{ state: "completed", retry_count: 1 }]);
  const attempts = (await stageRowsOf(owner.pool, crashed)).find(
    (r) => r.kind === "chapters",
  )?.attempts;
  expect(attempts).toBe(2);
}, 180_000);
