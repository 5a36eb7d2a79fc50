import { sql } from "drizzle-orm";
import { fromDrizzle, PgBoss, type Db } from "pg-boss";
import type { TenantTx } from "../db/tenantContext";
import { JOBS_SCHEMA } from "../db/jobQueue";
import type { Logger } from "../core/platform/logger";
import { ensureQueues, type RetryPolicy } from "./queues";

/*
 * pg-boss on the app's own database, in its own schema (`pgboss`), connected
 * as the app role. The schema is installed and migrated by the owner at
 * start-up (db/jobQueue.ts, from db/appRole.ts under the start-up lock), so
 * this instance never migrates. A sender (the web role) only sends: no
 * maintenance, no schedules. A worker (the jobs role) also supervises (expiry
 * of jobs whose worker died, retention) and runs the schedules.
 */

export interface JobQueueOptions {
  /** The app role's URL. */
  url: string;
  log: Logger;
  mode: "sender" | "worker";
  policy: RetryPolicy;
  schema?: string;
  /** How often a worker looks for expired jobs; pg-boss's default is a minute. */
  superviseIntervalSeconds?: number;
  max?: number;
}

export async function startJobQueue(options: JobQueueOptions): Promise<PgBoss> {
  const worker = options.mode === "worker";
  const boss = new PgBoss({
    connectionString: options.url,
    schema: options.schema ?? JOBS_SCHEMA,
    application_name: `lectern-jobs-${options.mode}`,
    max: options.max ?? (worker ? 10 : 4),
    migrate: false,
    createSchema: false,
    supervise: worker,
    schedule: worker,
    // Rebuilding indexes needs the owner; the app role does not own pg-boss's tables.
    reindex: false,
    ...(options.superviseIntervalSeconds
      ? { superviseIntervalSeconds: options.superviseIntervalSeconds }
      : {}),
  });
  boss.on("error", (error) => options.log.error({ err: error }, "job queue error"));
  boss.on("warning", (warning) => options.log.warn({ warning }, "job queue warning"));
  await boss.start();
  await ensureQueues(boss, options.policy);
  return boss;
}

/** pg-boss statements run on a drizzle transaction: a job sent this way commits or rolls back with it. */
export function inTransaction(tx: TenantTx): Db {
  return fromDrizzle(tx, sql);
}
