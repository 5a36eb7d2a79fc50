/**
 * Event-log append benchmark: appends/s and p50/p99 latency of the real
 * appendEvents() against a real, freshly migrated PostgreSQL, plus the machine's
 * fsync floor for comparison. See bench/README.md.
 *
 *   npm run bench:eventlog [-- --quick]
 *
 * Progress goes to stderr; the last line of stdout is one JSON report.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import type pg from "pg";
import { createDb, type DbHandle } from "../db/client";
import { appendEvents, type NewEvent } from "../db/eventLog";
import { createScratchDatabase } from "../db/scratchDatabase";
import { createTenantWithSessions } from "../tests/support/fixtures";
import { measureFsyncFloor } from "./support/fsyncFloor";
import { round, summarize } from "./support/stats";

interface Case {
  name: string;
  writers: number;
  sessions: number;
  /** Events per appendEvents() call. */
  batch: number;
}

interface Budget {
  durationMs: number;
  warmUpMs: number;
  /** Caps a case's calls so a fast machine does not grow the table without bound. */
  maxCalls: number;
}

const WRITER_COUNTS = [1, 16];
const SESSION_COUNTS = [1, 50];
const BATCH_SIZES = [1, 10];
// One connection per writer, so no append waits for the pool, plus a few spare
// for fixtures and verification.
const POOL_SIZE = Math.max(...WRITER_COUNTS) + 4;

const CASES: Case[] = BATCH_SIZES.flatMap((batch) =>
  SESSION_COUNTS.flatMap((sessions) =>
    WRITER_COUNTS.map((writers) => ({
      name: `${batch === 1 ? "single" : `batch${batch}`}/${writers}w/${sessions}s`,
      writers,
      sessions,
      batch,
    })),
  ),
);

const CHAT_BODY =
  "Could you go over question 3 again? I got 42 for part (b) but the sheet says 24.";

/** A chat message as the classroom posts it: the most common event in a live class. */
function chatEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, () => ({
    type: "chat.posted",
    payload: { messageId: randomUUID(), body: CHAT_BODY, audience: "everyone" },
  }));
}

interface Target {
  tenantId: string;
  sessionIds: string[];
}

interface Run {
  latencies: number[];
  elapsedMs: number;
}

/**
 * Run `c.writers` concurrent append loops until the time or call budget is spent.
 * Writers take sessions round-robin from one shared counter, so with 50 sessions
 * concurrent appends mostly hit different sessions (different row locks).
 */
async function drive(
  pool: pg.Pool,
  target: Target,
  c: Case,
  budget: { durationMs: number; maxCalls: number },
): Promise<Run> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + budget.durationMs;

  async function writer(): Promise<void> {
    while (performance.now() < deadline && issued < budget.maxCalls) {
      const sessionId = target.sessionIds[issued++ % target.sessionIds.length]!;
      const events = chatEvents(c.batch);
      const callStarted = performance.now();
      await appendEvents(pool, { tenantId: target.tenantId, sessionId, events });
      latencies.push(performance.now() - callStarted);
    }
  }

  await Promise.all(Array.from({ length: c.writers }, writer));
  // Calls in flight at the deadline still finish, so divide by the real elapsed time.
  return { latencies, elapsedMs: performance.now() - started };
}

/**
 * True when every session of the tenant holds exactly the sequences 1..N with
 * N = last_event_seq, and the table holds as many events as the benchmark appended.
 * The unique index rules out duplicates already; this also catches gaps and lost
 * or phantom writes.
 */
async function isGapFree(pool: pg.Pool, tenantId: string, appended: number): Promise<boolean> {
  const { rows } = await pool.query<{
    head: number;
    count: number;
    distinct: number;
    min: number;
    max: number;
  }>(
    `select s.last_event_seq as head, count(e.id) as count, count(distinct e.sequence) as distinct,
            coalesce(min(e.sequence), 1) as min, coalesce(max(e.sequence), 0) as max
     from sessions s left join session_state_events e on e.session_id = s.id
     where s.tenant_id = $1
     group by s.id`,
    [tenantId],
  );
  const perSession = rows.every(
    (r) => r.min === 1 && r.count === r.distinct && r.count === r.max && r.max === r.head,
  );
  const stored = rows.reduce((sum, r) => sum + r.count, 0);
  return perSession && stored === appended;
}

async function runCase(handle: DbHandle, owner: DbHandle, c: Case, budget: Budget) {
  // A fresh tenant per case keeps cases independent and the verification exact.
  const { tenant, sessions } = await createTenantWithSessions(handle, c.sessions);
  const target = { tenantId: tenant.id, sessionIds: sessions.map((s) => s.id) };

  // Warm-up: opens the pool's connections and prepares the append statement on each.
  const warmUp = await drive(handle.pool, target, c, {
    durationMs: budget.warmUpMs,
    maxCalls: budget.maxCalls,
  });
  const run = await drive(handle.pool, target, c, budget);

  const calls = run.latencies.length;
  const seconds = run.elapsedMs / 1000;
  const latency = summarize(run.latencies);
  const appended = (warmUp.latencies.length + calls) * c.batch;
  return {
    name: c.name,
    writers: c.writers,
    sessions: c.sessions,
    batch: c.batch,
    appendsPerSec: round((calls * c.batch) / seconds),
    callsPerSec: round(calls / seconds),
    p50Ms: round(latency.p50, 2),
    p99Ms: round(latency.p99, 2),
    maxMs: round(latency.max, 2),
    calls,
    gapFree: await isGapFree(owner.pool, tenant.id, appended),
  };
}

function parseOptions(): Budget & { quick: boolean } {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      "duration-ms": { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const durationMs = Number(values["duration-ms"] ?? (quick ? 2_000 : 5_000));
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new Error("--duration-ms takes a positive number of milliseconds");
  }
  return {
    quick,
    durationMs,
    warmUpMs: Math.min(1_000, durationMs / 4),
    // Far above what one Postgres here can absorb in the time; a safety cap only.
    maxCalls: Math.ceil((durationMs / 1000) * 20_000),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = performance.now();
  log(
    `starting ${process.env.DATABASE_URL ? "scratch database on DATABASE_URL" : "embedded"} Postgres`,
  );
  const scratch = await createScratchDatabase("bench");
  let handle: DbHandle | undefined;
  // The owner reads past row-level security: the fsync probe and the verification.
  let owner: DbHandle | undefined;
  // pool.end() resolves before its sockets are closed, so stopping the embedded
  // cluster right after can still "terminate" them: expected once we are closing.
  let closing = false;
  try {
    handle = createDb(scratch.url, {
      max: POOL_SIZE,
      applicationName: "lectern-bench",
      onError: (error) => {
        if (!closing) log(`idle client error: ${error.message}`);
      },
    });
    owner = createDb(scratch.ownerUrl, { max: 2, applicationName: "lectern-bench-owner" });
    const { rows } = await owner.pool.query<{ version: string }>(
      "select current_setting('server_version') as version",
    );
    log(`database ready after ${round(performance.now() - started)} ms`);

    const floor = await measureFsyncFloor(owner.pool, {
      durationMs: options.quick ? 1_000 : 2_000,
      maxCommits: 5_000,
    });
    log(
      `fsync floor: p50 ${round(floor.p50, 3)} ms, p99 ${round(floor.p99, 3)} ms ` +
        `(${floor.commits} commits, ${floor.walSyncsPerCommit?.toFixed(2) ?? "?"} WAL syncs each)`,
    );

    const cases = [];
    for (const c of CASES) {
      const result = await runCase(handle, owner, c, options);
      log(
        `${c.name.padEnd(20)} ${String(result.appendsPerSec).padStart(7)} appends/s  ` +
          `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  gapFree ${result.gapFree}`,
      );
      cases.push(result);
    }

    const report = {
      fsyncFloorMs: round(floor.p50, 3),
      fsyncFloor: {
        p99Ms: round(floor.p99, 3),
        commits: floor.commits,
        walSyncsPerCommit:
          floor.walSyncsPerCommit === null ? null : round(floor.walSyncsPerCommit, 2),
      },
      cases,
      machine: {
        cpus: os.availableParallelism(),
        node: process.version,
        postgres: rows[0]?.version ?? null,
        database: process.env.DATABASE_URL ? "DATABASE_URL" : "embedded",
        durationMs: options.durationMs,
      },
    };
    log(`done in ${round((performance.now() - started) / 1000, 1)} s`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (cases.some((c) => !c.gapFree)) {
      console.error("event log verification failed: some case is not gap-free");
      process.exitCode = 1;
    }
  } finally {
    // Both always run; a failure here must not hide the benchmark's own error.
    closing = true;
    for (const pool of [handle, owner]) {
      await pool?.close().catch((error: unknown) => console.error("closing a pool:", error));
    }
    await scratch.drop().catch((error: unknown) => {
      console.error("dropping the scratch database:", error);
      process.exitCode = 1;
    });
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Exit with process.exitCode even if a stray handle would keep the loop alive.
  .finally(() => process.exit());
