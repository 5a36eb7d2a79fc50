/**
 * Join benchmark: N students join one live class within a few seconds through
 * the real HTTP route (POST /api/sessions/:id/join) of the production build,
 * run as its own process, on a fresh PostgreSQL, with LiveKit played by the
 * local stand-in (tests/support/livekitStandIn.ts). See bench/README.md.
 *
 *   npm run bench:join [-- --quick]
 *
 * Progress goes to stderr; the last line of stdout is one JSON object:
 * {"joins","succeeded","p50Ms","p99Ms","dbShare"}.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import type pg from "pg";
import { createDb } from "../db/client";
import { freePort } from "../db/embedded";
import { createScratchDatabase } from "../db/scratchDatabase";
import { startLiveKitStandIn } from "../tests/support/livekitStandIn";
import { demoTeacher, scheduleTomorrow } from "./support/demoClass";
import { cpuMs, signIn, waitUntilReady } from "./support/server";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    joins: { type: "string" },
    "window-ms": { type: "string" },
  },
});
const quick = values.quick ?? false;
const JOINS = Number(values.joins ?? (quick ? 250 : 500));
const WINDOW_MS = Number(values["window-ms"] ?? (quick ? 5_000 : 10_000));
const WARM_UP = 60;
const log = (message: string) => process.stderr.write(`bench:join ${message}\n`);

interface Sample {
  ok: boolean;
  latencyMs: number;
  dbMs: number;
  appMs: number;
}

const database = await createScratchDatabase("bench_join");
const standIn = await startLiveKitStandIn();
let server: ChildProcess | null = null;
try {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const flags = process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  server = spawn(process.execPath, [...flags, "build/server.js"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ...database.env,
      NODE_ENV: "production",
      ROLE: "web",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_URL: url,
      LOG_LEVEL: "warn",
      SEED_DEMO: "true",
      AUTH_RATE_LIMIT_MAX: "100000",
      LIVEKIT_URL: standIn.url,
      LIVEKIT_API_KEY: standIn.apiKey,
      LIVEKIT_API_SECRET: standIn.apiSecret,
    },
  });
  await waitUntilReady(url);
  log(`server ready on ${url}`);

  // The class, its teacher and N enrolled students with signed-in sessions.
  const owner = createDb(database.ownerUrl, { max: 4 });
  const app = createDb(database.url, { max: 4 });
  const teacher = await demoTeacher(owner.pool);
  const tenantId = teacher.tenantId;
  const session = await scheduleTomorrow(app, teacher, "Benchmark lecture");
  const cookies = await seedStudents(
    owner.pool,
    tenantId,
    session.id,
    JOINS,
    database.env.AUTH_SECRET,
  );
  log(`seeded ${JOINS} enrolled students`);

  // A server that has been up a while: warm the join path (code, JIT, pool
  // connections) on another class with other students, unmeasured.
  const warmUp = await scheduleTomorrow(app, teacher, "Warm-up class", 12);
  const warmUpCookies = await seedStudents(
    owner.pool,
    tenantId,
    warmUp.id,
    WARM_UP,
    database.env.AUTH_SECRET,
  );
  const teacherCookie = await signIn(url, "teacher@demo.lectern.test");
  for (const id of [warmUp.id, session.id]) {
    const started = await fetch(`${url}/api/sessions/${id}/start`, {
      method: "POST",
      headers: { cookie: teacherCookie, origin: url },
    });
    if (!started.ok) throw new Error(`start failed: ${started.status} ${await started.text()}`);
  }
  await openLoop(WARM_UP, 3_000, (i) =>
    timed(`${url}/api/sessions/${warmUp.id}/join`, {
      method: "POST",
      headers: {
        cookie: warmUpCookies[i]!,
        origin: url,
        "idempotency-key": `warm-${randomUUID()}`,
      },
      expectToken: true,
    }),
  );

  // Baseline under the same arrival rate: the health probe (one trivial query).
  const baseline = await openLoop(JOINS, WINDOW_MS, () =>
    timed(`${url}/healthz`, { method: "GET" }),
  );
  log(`baseline /healthz p50 ${summarize(baseline.map((s) => s.latencyMs)).p50.toFixed(1)} ms`);

  // The measured run: every student joins once, arrivals spread evenly over the window.
  const cpu = () => cpuMs(server!.pid!);
  const cpuBefore = cpu();
  const wallStart = performance.now();
  const samples = await openLoop(JOINS, WINDOW_MS, (i) =>
    timed(`${url}/api/sessions/${session.id}/join`, {
      method: "POST",
      headers: {
        cookie: cookies[i]!,
        origin: url,
        "idempotency-key": `bench-${randomUUID()}`,
      },
      expectToken: true,
    }),
  );
  const wallMs = performance.now() - wallStart;
  const serverCpuMs = cpu() - cpuBefore;

  // Every join must be in the log exactly once, gap-free.
  const { rows: check } = await owner.pool.query<{ joined: number; seqs: number; last: number }>(
    `select count(*) filter (where type = 'participant.joined')::int as joined,
            count(*)::int as seqs, max(sequence)::int as last
       from session_state_events where session_id = $1`,
    [session.id],
  );
  await owner.close();
  await app.close();

  const succeeded = samples.filter((s) => s.ok).length;
  const latency = summarize(samples.map((s) => s.latencyMs));
  const dbMs = samples.reduce((sum, s) => sum + s.dbMs, 0);
  const appMs = samples.reduce((sum, s) => sum + s.appMs, 0);
  const base = summarize(baseline.map((s) => s.latencyMs));
  const details = {
    machine: { cpus: os.cpus().length },
    windowMs: WINDOW_MS,
    warmUpJoins: WARM_UP,
    wallMs: round(wallMs),
    baselineHealthz: { p50Ms: round(base.p50, 2), p99Ms: round(base.p99, 2) },
    join: {
      p50Ms: round(latency.p50, 2),
      p99Ms: round(latency.p99, 2),
      maxMs: round(latency.max, 2),
    },
    server: {
      dbMsPerJoin: round(dbMs / samples.length, 2),
      appMsPerJoin: round(appMs / samples.length, 2),
      appP99Ms: round(summarize(samples.map((s) => s.appMs)).p99, 2),
      cpuMsPerJoin: round(serverCpuMs / samples.length, 2),
    },
    log: { participantJoined: check[0]!.joined, gapFree: check[0]!.seqs === check[0]!.last },
    livekitCalls: standIn.calls.length,
    note: "warm-up joins go to another class and are not measured",
  };
  log(JSON.stringify(details));
  const ok = succeeded === JOINS && details.log.participantJoined === JOINS && details.log.gapFree;
  console.log(
    JSON.stringify({
      joins: JOINS,
      succeeded,
      p50Ms: round(latency.p50, 2),
      p99Ms: round(latency.p99, 2),
      dbShare: round(dbMs / appMs, 3),
    }),
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await new Promise((r) => server!.once("exit", r));
  await standIn.close();
  await database.drop();
}

/** Fire `count` requests at evenly spaced times over `windowMs`, whatever the answers take. */
async function openLoop(
  count: number,
  windowMs: number,
  request: (index: number) => Promise<Sample>,
): Promise<Sample[]> {
  const start = performance.now();
  const pending: Promise<Sample>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * windowMs) / count;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(request(i));
  }
  return Promise.all(pending);
}

async function timed(
  url: string,
  init: { method: string; headers?: Record<string, string>; expectToken?: boolean },
): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(url, { method: init.method, headers: init.headers });
    const body = await response.text();
    const latencyMs = performance.now() - started;
    const timing = response.headers.get("server-timing") ?? "";
    const dur = (name: string) =>
      Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? 0);
    const ok = response.ok && (!init.expectToken || /"token":"[^"]+"/.test(body));
    if (!ok) log(`failed: ${response.status} ${body.slice(0, 200)}`);
    return { ok, latencyMs, dbMs: dur("db"), appMs: dur("app") };
  } catch (error) {
    log(`failed: ${String(error)}`);
    return { ok: false, latencyMs: performance.now() - started, dbMs: 0, appMs: 0 };
  }
}

/**
 * Students with a signed-in better-auth session each, written straight to the
 * database: signing 500 people in through the form would measure password
 * hashing, not joining. The cookie is signed the way better-auth signs it.
 */
async function seedStudents(
  pool: pg.Pool,
  tenantId: string,
  sessionId: string,
  count: number,
  secret: string,
): Promise<string[]> {
  const run = randomUUID().slice(0, 8);
  const tokens = Array.from({ length: count }, () => randomBytes(24).toString("base64url"));
  await pool.query(
    `with people as (
       insert into users (name, email, email_verified)
       select 'Student ' || i, 'bench-' || $1 || '-' || i || '@demo.lectern.test', true
         from generate_series(1, $2::int) as i
       returning id, email),
     numbered as (select id, row_number() over (order by email) as n from people),
     roles as (insert into user_roles (tenant_id, user_id, role)
       select $3, id, 'student' from numbered returning user_id),
     enrolled as (insert into enrollments (tenant_id, session_id, user_id)
       select $3, $4, id from numbered returning user_id)
     insert into auth_sessions (user_id, token, expires_at)
     select id, ($5::text[])[n], now() + interval '14 days' from numbered`,
    [run, count, tenantId, sessionId, tokens],
  );
  return tokens.map((token) => {
    const signature = createHmac("sha256", secret).update(token).digest("base64");
    return `lectern.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
  });
}
