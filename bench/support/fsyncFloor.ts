import type pg from "pg";
import { summarize, type LatencySummary } from "./stats";

export interface FsyncFloor extends LatencySummary {
  commits: number;
  /** WAL syncs the server counted per probe commit: about 1 proves each commit waited for the disk. */
  walSyncsPerCommit: number | null;
}

const WARM_UP_COMMITS = 20;

/**
 * Latency of the cheapest durable commit on this machine: a one-row insert into a
 * regular (logged) table, in autocommit, one at a time on one connection. The insert
 * writes WAL, so its commit must flush (fdatasync) the WAL before it answers. A bare
 * `select 1`, or even `begin; select txid_current(); commit`, writes no WAL record
 * before the commit and so commits without waiting for the disk: it would measure
 * only the round trip. No append can be faster than this floor (it is one round
 * trip plus one flush, and so is an append).
 */
export async function measureFsyncFloor(
  pool: pg.Pool,
  budget: { durationMs: number; maxCommits: number },
): Promise<FsyncFloor> {
  const client = await pool.connect();
  try {
    await client.query("create table if not exists bench_fsync_probe (n int not null)");
    const probe = () =>
      client.query({ name: "bench_fsync_probe", text: "insert into bench_fsync_probe values (1)" });
    for (let i = 0; i < WARM_UP_COMMITS; i++) await probe();

    const syncsBefore = await walSyncCount(client);
    const latencies: number[] = [];
    const deadline = performance.now() + budget.durationMs;
    while (latencies.length < budget.maxCommits && performance.now() < deadline) {
      const started = performance.now();
      await probe();
      latencies.push(performance.now() - started);
    }
    const syncsAfter = await walSyncCount(client);

    const walSyncsPerCommit =
      syncsBefore === null || syncsAfter === null
        ? null
        : (syncsAfter - syncsBefore) / latencies.length;
    return { ...summarize(latencies), commits: latencies.length, walSyncsPerCommit };
  } finally {
    client.release();
  }
}

/** The server's count of WAL fsyncs (pg_stat_wal, PostgreSQL 14-17), or null where unavailable. */
async function walSyncCount(client: pg.PoolClient): Promise<number | null> {
  try {
    // A backend publishes its statistics lazily (at most once a second); force it now.
    await client.query("select pg_stat_force_next_flush()");
    const { rows } = await client.query<{ wal_sync: number }>("select wal_sync from pg_stat_wal");
    return rows[0]?.wal_sync ?? null;
  } catch {
    return null;
  }
}
