import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, inject } from "vitest";
import { installJobQueue } from "../../db/jobQueue";
import { loadConfig } from "../../core/platform/config";
import { openDatabase, type OpenDatabase } from "../../core/platform/database";
import { createLogger } from "../../core/platform/logger";
import { startJobQueue } from "../../jobs/boss";
import type { RetryPolicy } from "../../jobs/queues";

/** Quick retries so a test sees a stage give up within seconds. */
export const testPolicy: RetryPolicy = {
  retryLimit: 2,
  retryDelaySeconds: 1,
  retryDelayMaxSeconds: 2,
  expireInSeconds: 60,
};

/** The app (as its role, seeded) on the run's database. */
export async function openTestDatabase(env: Record<string, string> = {}): Promise<OpenDatabase> {
  const config = loadConfig({
    NODE_ENV: "production",
    ...inject("serverEnv"),
    LOG_LEVEL: "warn",
    SEED_DEMO: "true",
    ...env,
  });
  return openDatabase(config, createLogger(config.LOG_LEVEL));
}

/**
 * pg-boss in a schema of the test's own, installed by the owner as at
 * start-up, so no other test's workers see its jobs.
 */
export async function privateJobQueue(database: OpenDatabase, policy = testPolicy) {
  const schema = `pgboss_${randomUUID().slice(0, 8)}`;
  const ownerUrl = inject("ownerDatabaseUrl");
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await installJobQueue(owner, ownerUrl, inject("serverEnv").DATABASE_APP_ROLE, schema);
  } finally {
    await owner.end();
  }
  const log = createLogger("warn");
  const boss = await startJobQueue({
    url: database.url,
    log,
    mode: "worker",
    policy,
    schema,
    superviseIntervalSeconds: 1,
  });
  return { boss, schema, log };
}

export interface StageRow {
  kind: string;
  status: string;
  attempts: number;
  progress: number;
  error: string | null;
  output: unknown;
}

export async function stageRowsOf(owner: pg.Pool, sessionId: string): Promise<StageRow[]> {
  const { rows } = await owner.query<StageRow>(
    `select kind, status, attempts, progress, error, output from artifacts
      where session_id = $1 order by kind`,
    [sessionId],
  );
  return rows;
}

const FINAL = ["succeeded", "skipped", "dead"];

/** Wait until every kind of the pipeline has its final row. */
export async function pipelineFinished(owner: pg.Pool, sessionId: string, timeout = 30_000) {
  await expect
    .poll(
      async () => {
        const rows = await stageRowsOf(owner, sessionId);
        return rows.length === 7 && rows.every((r) => FINAL.includes(r.status));
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return stageRowsOf(owner, sessionId);
}
