import type { PgBoss } from "pg-boss";
import type { OpenDatabase } from "../core/platform/database";
import type { Logger } from "../core/platform/logger";
import type { MediaService } from "../core/classes/media";
import { reconcileLiveClasses } from "../core/media/reconcile";
import { queueNames } from "./queues";
import { sweepEndedClasses } from "./sweep";

/*
 * The jobs role's recurring work as pg-boss schedules: however many jobs
 * processes run, each occurrence is sent once and (singleton queues) one pass
 * runs at a time. A pass that fails is logged; the next occurrence tries again.
 */

export interface ScheduleOptions {
  boss: PgBoss;
  database: OpenDatabase;
  media: MediaService | null;
  log: Logger;
  reconcileIntervalSeconds: number;
  sweepGraceSeconds: number;
  pollingIntervalSeconds?: number;
}

/** A cron expression for about every `seconds`: schedules have a minute's resolution. */
export function cronEvery(seconds: number): string {
  const minutes = Math.max(1, Math.min(59, Math.round(seconds / 60)));
  return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
}

export async function startSchedules(options: ScheduleOptions): Promise<void> {
  const { boss, database, log } = options;
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
  const sweep = () =>
    sweepEndedClasses({
      boss,
      db: database.db,
      directory: database.directory.db,
      log,
      graceSeconds: options.sweepGraceSeconds,
    });
  await boss.work(queueNames.sweep, polling, async () => {
    await sweep();
  });
  await boss.schedule(queueNames.sweep, cronEvery(60));
  // Once at start-up too: a process that died may have left classes behind.
  await boss.send(queueNames.sweep, {});

  const media = options.media;
  if (media) {
    await boss.work(queueNames.reconcile, polling, async () => {
      await reconcileLiveClasses({
        db: database.db,
        pool: database.pool,
        directory: database.directory.db,
        media,
        log,
      });
    });
    await boss.schedule(queueNames.reconcile, cronEvery(options.reconcileIntervalSeconds));
  } else {
    await boss.unschedule(queueNames.reconcile);
  }
}
