import os from "node:os";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { drainNotices } from "./eventNotifier";
import { TimedClient } from "./queryTiming";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;

export interface DbHandle {
  pool: pg.Pool;
  db: Database;
  close(): Promise<void>;
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Called for errors on idle clients, which would otherwise crash the process. */
  onError?: (error: Error) => void;
  /** Connections may read the school directory across schools (see migration 0004). */
  directory?: boolean;
}

// bigint columns (sequences, counts) arrive as strings by default; ours fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(url: string, options: PoolOptions = {}): DbHandle {
  const pool = new pg.Pool({
    Client: TimedClient,
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "lectern",
    connectionTimeoutMillis: 10_000,
    // A startup parameter, so the setting is in place before the first query.
    ...(options.directory ? { options: "-c app.directory=on" } : {}),
  });
  pool.on("error", (error) => options.onError?.(error));
  // The pool listens for errors of idle clients only. A checked-out client whose
  // connection dies between two queries (a restart, a failover) would raise an
  // uncaught 'error' and end the process; its next query fails on its own (as
  // unavailable, see db/errors.ts) and release() drops it from the pool.
  pool.on("connect", (client) => client.on("error", () => {}));

  const db = drizzle(pool, { schema });
  return {
    pool,
    db,
    async close() {
      await drainNotices(pool);
      await pool.end();
    },
  };
}

/**
 * node-postgres takes the user of a URL without one from $PGUSER or $USER, which
 * services and CI shells often leave unset (psql would use the OS account). Fill
 * it in so `postgres://127.0.0.1/db` means the same to both.
 */
export function withDefaultUser(value: string): string {
  const url = new URL(value);
  if (url.username || process.env.PGUSER || process.env.USER) return value;
  url.username = os.userInfo().username;
  return url.toString();
}

/** A round trip to the database, for health checks. Rejects after `timeoutMs`. */
export async function pingDatabase(pool: pg.Pool, timeoutMs = 2_000): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([pool.query("select 1"), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - started;
}
