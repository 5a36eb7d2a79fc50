import type pg from "pg";

/** Any constant works; it only has to be the same in every Lectern process. */
const STARTUP_LOCK_KEY = 7_343_214_001;

/**
 * Run start-up DDL (migrations, the app role's grants) holding a session-level
 * advisory lock, so processes starting at once wait for each other instead of
 * racing (two GRANTs on one role at once fail with "tuple concurrently updated").
 */
export async function withStartupLock<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("select pg_advisory_lock($1)", [STARTUP_LOCK_KEY]);
  try {
    return await work();
  } finally {
    await client.query("select pg_advisory_unlock($1)", [STARTUP_LOCK_KEY]);
  }
}
