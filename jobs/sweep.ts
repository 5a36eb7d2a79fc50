import type { PgBoss } from "pg-boss";
import type { Database } from "../db/client";
import { endedWithoutRun } from "../db/pipeline";
import { listTenantIds } from "../db/tenancy";
import { withTenant } from "../db/tenantContext";
import type { Logger } from "../core/platform/logger";
import { queueRun } from "./pipeline";

/*
 * The backstop of "no lost trigger" (docs/decisions/013): a class ended
 * without its pipeline's job (a process killed between an end and its
 * trigger, a class ended by the reconcile pass, a trigger that failed) has no
 * `artifact_runs` row; this finds such classes and queues their runs, the
 * run row and the job in one transaction, so two sweeps never queue twice.
 */

export interface SweepOptions {
  boss: PgBoss;
  db: Database;
  /** The cross-school directory pool, to list the schools. */
  directory: Database;
  log: Logger;
  /** Leave classes that ended less than this long ago to their own trigger. */
  graceSeconds: number;
  /** Only these schools (tests); all of them by default. */
  tenantIds?: string[];
}

export async function sweepEndedClasses(
  options: SweepOptions,
  now = new Date(),
): Promise<string[]> {
  const before = new Date(now.getTime() - options.graceSeconds * 1_000);
  const queued: string[] = [];
  for (const tenantId of options.tenantIds ?? (await listTenantIds(options.directory))) {
    const found = await withTenant(options.db, tenantId, async (tx) => {
      // Locks the classes it queues for, so a sweep running at once skips them.
      const classes = await endedWithoutRun(tx, before);
      for (const session of classes) {
        await queueRun(options.boss, tx, { tenantId, sessionId: session.id, reason: "sweep" });
      }
      return classes.map((c) => c.id);
    });
    queued.push(...found);
  }
  if (queued.length) {
    options.log.warn(
      { sessions: queued },
      "queued the artifact pipeline of ended classes without a run",
    );
  }
  return queued;
}
