/**
 * Chat benchmark: C clients in one live class and chat messages posted at R
 * per second in total for D seconds. Each message is posted over HTTP (with
 * an Idempotency-Key, as the page does), sequenced into the event log with its
 * projection row, and pushed to every client over its sync connection.
 * Delivery = from the moment the post is sent until the last client has it.
 * The baseline in the same run relays the same messages through plain
 * in-memory Hocuspocus (no auth, no log, no database). See bench/README.md.
 *
 *   npm run bench:chat [-- --quick] [--clients 200] [--rate 20] [--seconds 60]
 *
 * Progress goes to stderr; the last line of stdout is one JSON object:
 * {"deliveryP50Ms", "deliveryP99Ms", "lost", "duplicated", "baseline": {...}, ...}.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { enrollStudents } from "../core/classes/scheduling";
import { mintSyncToken } from "../core/studio/syncToken";
import { createDb } from "../db/client";
import { freePort } from "../db/embedded";
import { createScratchDatabase } from "../db/scratchDatabase";
import { demoTeacher, scheduleTomorrow, seedPeople } from "./support/demoClass";
import { childProcesses, cpuMs, rssMb, signIn, waitUntilReady } from "./support/server";
import { round, summarize } from "./support/stats";
import { viewersWorker } from "./support/viewerThread";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    clients: { type: "string" },
    rate: { type: "string" },
    seconds: { type: "string" },
  },
});
const quick = values.quick ?? false;
const CLIENTS = Number(values.clients ?? 200);
const RATE = Number(values.rate ?? 20);
const SECONDS = Number(values.seconds ?? (quick ? 8 : 60));
const WARM_UP_SECONDS = 2;
const log = (message: string) => process.stderr.write(`bench:chat ${message}\n`);

interface Result {
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  deliveryMaxMs: number;
  postP50Ms: number;
  messages: number;
  lost: number;
  duplicated: number;
  serverCpuPct: number;
  serverRssMb: number;
}

/** Posts a message with this body; resolves when the server has answered. */
type Post = (body: string, poster: number) => Promise<void>;

const database = await createScratchDatabase("bench_chat");
const owner = createDb(database.ownerUrl, { max: 4 });
const app = createDb(database.url, { max: 4 });
const processes = childProcesses();
const start = processes.start;
try {
  const lectern = await processes.startLectern(database.env);
  const lecternUrl = lectern.url;
  log(`Lectern ready on ${lecternUrl}`);

  // A live class: the demo teacher and three demo students post; C seeded students read.
  const teacher = await demoTeacher(owner.pool);
  const session = await scheduleTomorrow(app, teacher, "Chat benchmark");
  const posters = await Promise.all(
    ["teacher", "student1", "student2", "student3"].map((who) =>
      signIn(lecternUrl, `${who}@demo.lectern.test`),
    ),
  );
  const call = (cookie: string, path: string, json?: unknown, key?: string) =>
    fetch(`${lecternUrl}/api/sessions/${session.id}${path}`, {
      method: "POST",
      headers: {
        cookie,
        origin: lecternUrl,
        "content-type": "application/json",
        ...(key ? { "idempotency-key": key } : {}),
      },
      body: JSON.stringify(json ?? {}),
    });
  const startResponse = await call(posters[0]!, "/start");
  if (!startResponse.ok) throw new Error(`start failed: ${startResponse.status}`);
  const { rows: students } = await owner.pool.query<{ id: string }>(
    `select id from users where email like 'student_@demo.lectern.test' order by email`,
  );
  await enrollStudents(
    app,
    teacher,
    { sessionId: session.id },
    { userIds: students.map((s) => s.id) },
  );
  for (const cookie of posters) {
    const joined = await call(cookie, "/join");
    if (!joined.ok) throw new Error(`join failed: ${joined.status} ${await joined.text()}`);
  }
  const place = { tenantId: teacher.tenantId, sessionId: session.id };
  const readerIds = await seedPeople(owner.pool, place, CLIENTS, "student", "student");
  const tokens = await Promise.all(
    readerIds.map(
      async (id) =>
        (
          await mintSyncToken(
            database.env.AUTH_SECRET,
            {
              sub: id,
              tid: place.tenantId,
              sid: session.id,
              role: "student",
              grants: [],
              name: "Bench",
            },
            3_600,
          )
        ).token,
    ),
  );
  log(`class ${session.id}: ${posters.length} posters, ${CLIENTS} clients`);

  const lecternPost: Post = async (body, poster) => {
    const response = await call(
      posters[poster % posters.length]!,
      "/chat",
      { body },
      `bench-${randomUUID()}`,
    );
    if (response.status !== 201)
      throw new Error(`post failed: ${response.status} ${await response.text()}`);
  };

  // Baseline: the same clients and messages through plain in-memory Hocuspocus.
  const plainPort = await freePort();
  const plainUrl = `http://127.0.0.1:${plainPort}`;
  const plain = start(["--import", "tsx", "bench/support/plainSync.ts", String(plainPort)], {});
  await waitUntilReady(plainUrl, "/");
  const name = `session:${session.id}`;
  const plainPost: Post = async (body) => {
    const response = await fetch(`${plainUrl}/chat`, {
      method: "POST",
      body: JSON.stringify({ name, body }),
    });
    if (response.status !== 201) throw new Error(`baseline post failed: ${response.status}`);
  };

  // Each run starts with WARM_UP_SECONDS of the same workload, unmeasured (JIT, pools).
  await workload(
    "baseline-warm-up",
    plainUrl,
    plain.pid!,
    plainPost,
    tokens,
    name,
    WARM_UP_SECONDS,
  );
  const baseline = await workload(
    "baseline",
    plainUrl,
    plain.pid!,
    plainPost,
    tokens,
    name,
    SECONDS,
  );
  plain.kill("SIGTERM");
  await workload(
    "lectern-warm-up",
    lecternUrl,
    lectern.pid,
    lecternPost,
    tokens,
    name,
    WARM_UP_SECONDS,
  );
  const measured = await workload(
    "lectern",
    lecternUrl,
    lectern.pid,
    lecternPost,
    tokens,
    name,
    SECONDS,
  );

  // Every message the server accepted is in the log and the projection exactly once.
  const { rows } = await owner.pool.query<{ logged: number; projected: number }>(
    `select (select count(*)::int from session_state_events where session_id = $1 and type = 'chat.posted') as logged,
            (select count(*)::int from chat_messages where session_id = $1) as projected`,
    [session.id],
  );
  const expected = measured.result.messages + Math.round(RATE * WARM_UP_SECONDS);
  const headline = {
    deliveryP50Ms: measured.result.deliveryP50Ms,
    deliveryP99Ms: measured.result.deliveryP99Ms,
    lost: measured.result.lost + Math.max(0, expected - rows[0]!.logged),
    duplicated: measured.result.duplicated + Math.max(0, rows[0]!.logged - expected),
  };
  const result = {
    ...headline,
    lectern: measured.result,
    baseline: baseline.result,
    ratioDeliveryP50: round(measured.result.deliveryP50Ms / baseline.result.deliveryP50Ms, 2),
    loggedAndProjected: rows[0],
    clients: CLIENTS,
    rate: RATE,
    seconds: SECONDS,
    cpus: os.cpus().length,
    note: "posts over HTTP from the main thread; clients (one WebSocket each) in a worker thread; all on one machine",
  };
  log(JSON.stringify(result));
  console.log(JSON.stringify(result));
  process.exitCode = result.lost + result.duplicated + baseline.result.lost === 0 ? 0 : 1;
} finally {
  await processes.stopAll();
  await owner.close();
  await app.close();
  await database.drop();
}

/** RATE messages a second for `seconds`, evenly spaced, with every client listening. */
async function workload(
  label: string,
  url: string,
  pid: number,
  post: Post,
  tokens: string[],
  name: string,
  seconds: number,
): Promise<{ result: Result }> {
  const clients = viewersWorker();
  const ready = await clients.connect(url, name, tokens, "chat");
  log(`${label}: ${ready.viewers} clients connected`);
  const sentAt = new Map<string, number>();
  const postMs: number[] = [];
  const failures: string[] = [];
  const cpuBefore = cpuMs(pid);
  const startAt = performance.now();
  const total = Math.round(RATE * seconds);
  const pending: Promise<void>[] = [];
  for (let n = 0; n < total; n += 1) {
    const due = startAt + (n * 1_000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = `${label} message ${n} ${randomUUID().slice(0, 8)}`;
    const at = epochNow();
    sentAt.set(body, at);
    pending.push(
      post(body, n).then(
        () => void postMs.push(epochNow() - at),
        (error: Error) => void failures.push(error.message),
      ),
    );
  }
  await Promise.all(pending);
  const wallMs = performance.now() - startAt;
  const cpu = cpuMs(pid) - cpuBefore;
  const keys = [...sentAt.keys()];
  const { complete, overDelivered } = await clients.collect(keys, 30_000);
  const rss = rssMb(pid);
  await clients.close();
  if (failures.length) log(`${label}: ${failures.length} posts failed, e.g. ${failures[0]}`);

  const delivery = keys.flatMap((key) => (complete[key] ? [complete[key] - sentAt.get(key)!] : []));
  const d = summarize(delivery);
  const result: Result = {
    deliveryP50Ms: round(d.p50, 2),
    deliveryP99Ms: round(d.p99, 2),
    deliveryMaxMs: round(d.max, 2),
    postP50Ms: round(summarize(postMs).p50, 2),
    messages: keys.length - failures.length,
    lost: keys.length - delivery.length,
    duplicated: overDelivered,
    serverCpuPct: round((cpu / wallMs) * 100, 1),
    serverRssMb: round(rss, 1),
  };
  log(`${label}: ${JSON.stringify(result)}`);
  return { result };
}

/** Milliseconds since the epoch, sub-millisecond, comparable across threads. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
