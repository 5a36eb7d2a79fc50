import type { OpenDatabase } from "../core/platform/database";
import type { Logger } from "../core/platform/logger";
import type { MediaService } from "../core/classes/media";
import { reconcileLiveClasses } from "../core/media/reconcile";

// Any number of jobs processes may run the loop; one of them reconciles at a time.
const LOCK_KEY = 0x4c45_4352; // "LECR"

/**
 * Every `intervalSeconds`, compare live classes with LiveKit (core/reconcile.ts).
 * A pass that fails is logged and retried at the next tick; the class goes on.
 */
export function startReconcileLoop(options: {
  database: OpenDatabase;
  media: MediaService | null;
  log: Logger;
  intervalSeconds: number;
}): { stop(): Promise<void> } {
  const { database, media, log } = options;
  if (!media) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      const client = await database.pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          "select pg_try_advisory_lock($1) as locked",
          [LOCK_KEY],
        );
        if (!rows[0]?.locked) return;
        try {
          await reconcileLiveClasses({
            db: database.db,
            pool: database.pool,
            directory: database.directory.db,
            media,
            log,
          });
        } finally {
          await client.query("select pg_advisory_unlock($1)", [LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    })()
      .catch((error: unknown) => log.error({ err: error }, "reconcile pass failed"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalSeconds * 1_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
