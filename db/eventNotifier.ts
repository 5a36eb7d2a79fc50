import type pg from "pg";

/**
 * Tells LISTENers which sequences were committed, after the commit.
 *
 * A NOTIFY inside the append's transaction would take Postgres's cluster-wide
 * notify-queue lock and hold it across the commit's WAL flush, so every append
 * in the cluster would commit one at a time (measured: ~1,300 appends/s with 16
 * writers on 50 sessions, against ~3,000+ without). Instead, appends enqueue
 * `<session>:<from>-<to>` once committed, and one statement per tick sends all
 * pending notices in a transaction that does not wait for its own flush
 * (nothing in it needs to be durable: the events already are).
 *
 * Nobody hears of an event before it is durable. A crash between commit and
 * notify loses only the wake-up; readers catch up by sequence (readEvents).
 */
const NOTIFY_SQL = `select pg_notify($1, notice)
from (select set_config('synchronous_commit', 'off', true)) as async_commit,
     unnest($2::text[]) as notice`;

class Notifier {
  private pending: string[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
  ) {}

  enqueue(notice: string): void {
    this.pending.push(notice);
    this.flushing ??= this.flushLoop();
  }

  /** Resolves when every notice enqueued so far has been sent (or has failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Let the other appends that finish in this tick join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.pool
          .query({ name: "lectern_notify_events", text: NOTIFY_SQL, values: [this.channel, batch] })
          .catch(() => {
            // The pool is closing or the database is away: readers catch up by sequence.
          });
      }
    } finally {
      this.flushing = null;
    }
  }
}

const notifiers = new WeakMap<pg.Pool, Notifier>();

export function notifyCommitted(pool: pg.Pool, channel: string, notice: string): void {
  let notifier = notifiers.get(pool);
  if (!notifier) {
    notifier = new Notifier(pool, channel);
    notifiers.set(pool, notifier);
  }
  notifier.enqueue(notice);
}

/** Wait for pending notices of this pool, e.g. before closing it. */
export async function drainNotices(pool: pg.Pool): Promise<void> {
  await notifiers.get(pool)?.drain();
}
