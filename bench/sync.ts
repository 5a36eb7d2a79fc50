/**
 * Sync benchmark: K writers drawing at R updates/s each and V viewers on one
 * live class, through real `@hocuspocus/provider` clients over WebSocket, for
 * D seconds: first against plain in-memory Hocuspocus (the baseline), then
 * against Lectern's sync server (production build, ROLE=all, a fresh
 * PostgreSQL), where every update is sequenced into the event log before it is
 * acknowledged. See bench/README.md.
 *
 *   npm run bench:sync [-- --quick] [--writers 3] [--rate 30] [--viewers 200] [--seconds 20]
 *
 * Progress goes to stderr; the last line of stdout is one JSON object:
 * {"sequenced": {...}, "inMemory": {...}, "ratioAckP50", "fsyncFloorMs", ...}.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";
import { mintSyncToken } from "../core/studio/syncToken";
import { createDb } from "../db/client";
import { freePort } from "../db/embedded";
import { createScratchDatabase } from "../db/scratchDatabase";
import { measureFsyncFloor } from "./support/fsyncFloor";
import { demoTeacher, scheduleTomorrow, seedPeople } from "./support/demoClass";
import { viewersWorker } from "./support/viewerThread";
import { childProcesses, cpuMs, rssMb, signIn, waitUntilReady } from "./support/server";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    writers: { type: "string" },
    rate: { type: "string" },
    viewers: { type: "string" },
    seconds: { type: "string" },
  },
});
const quick = values.quick ?? false;
const WRITERS = Number(values.writers ?? 3);
const RATE = Number(values.rate ?? 30);
const VIEWERS = Number(values.viewers ?? (quick ? 100 : 200));
const SECONDS = Number(values.seconds ?? (quick ? 8 : 20));
const WARM_UP_SECONDS = 2;
const log = (message: string) => process.stderr.write(`bench:sync ${message}\n`);

interface Result {
  ackP50Ms: number;
  ackP99Ms: number;
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  updatesPerSec: number;
  lost: number;
  duplicated: number;
  serverCpuPct: number;
  serverRssMb: number;
}

const database = await createScratchDatabase("bench_sync");
const owner = createDb(database.ownerUrl, { max: 4 });
const app = createDb(database.url, { max: 4 });
const processes = childProcesses();
const start = processes.start;
try {
  // e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile Lectern.
  const flags = process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const lectern = await processes.startLectern(database.env, flags);
  const lecternUrl = lectern.url;
  log(`Lectern ready on ${lecternUrl}`);

  // A live class with K co-teachers drawing and V students watching.
  const teacher = await demoTeacher(owner.pool);
  const tenantId = teacher.tenantId;
  const session = await scheduleTomorrow(app, teacher, "Sync benchmark");
  const started = await fetch(`${lecternUrl}/api/sessions/${session.id}/start`, {
    method: "POST",
    headers: { cookie: await signIn(lecternUrl, "teacher@demo.lectern.test"), origin: lecternUrl },
  });
  if (!started.ok) throw new Error(`start failed: ${started.status} ${await started.text()}`);
  const place = { tenantId, sessionId: session.id };
  const writerIds = await seedPeople(owner.pool, place, WRITERS, "teacher", "co_teacher");
  const viewerIds = await seedPeople(owner.pool, place, VIEWERS, "student", "student");
  const token = async (userId: string, role: "co_teacher" | "student") =>
    (
      await mintSyncToken(
        database.env.AUTH_SECRET,
        { sub: userId, tid: tenantId, sid: session.id, role, grants: [], name: "Bench" },
        3_600,
      )
    ).token;
  const tokens = {
    writers: await Promise.all(writerIds.map((id) => token(id, "co_teacher"))),
    viewers: await Promise.all(viewerIds.map((id) => token(id, "student"))),
  };
  log(`class ${session.id}: ${WRITERS} writers, ${VIEWERS} viewers`);

  const floor = await measureFsyncFloor(owner.pool, { durationMs: 2_000, maxCommits: 200 });
  log(`fsync floor p50 ${round(floor.p50, 3)} ms`);

  // Baseline: the same workload on plain in-memory Hocuspocus.
  const plainPort = await freePort();
  const plainUrl = `http://127.0.0.1:${plainPort}`;
  const plain = start(["--import", "tsx", "bench/support/plainSync.ts", String(plainPort)], {});
  await waitUntilReady(plainUrl, "/");
  // Each run starts with WARM_UP_SECONDS of the same workload, unmeasured: the first
  // run would otherwise pay for this process's JIT warm-up and look slower.
  const run = (label: string, url: string, pid: number, seconds: number) =>
    workload(label, url, pid, tokens, session.id, seconds);
  await run("in-memory-warm-up", plainUrl, plain.pid!, WARM_UP_SECONDS);
  const inMemory = await run("in-memory", plainUrl, plain.pid!, SECONDS);
  plain.kill("SIGTERM");

  const warmUp = await run("sequenced-warm-up", lecternUrl, lectern.pid, WARM_UP_SECONDS);
  const sequenced = await run("sequenced", lecternUrl, lectern.pid, SECONDS);
  // The log must hold each update once, and rebuild every key.
  const { rows } = await owner.pool.query<{ yjs_update: Buffer }>(
    `select yjs_update from session_state_events
      where session_id = $1 and type = 'whiteboard.updated' order by sequence`,
    [session.id],
  );
  const replayed = new Y.Doc();
  for (const row of rows) Y.applyUpdate(replayed, new Uint8Array(row.yjs_update));
  const inLog = replayed.getMap("board:main");
  const missingFromLog = sequenced.keys.filter((key) => !inLog.has(key)).length;
  const result = {
    sequenced: {
      ...sequenced.result,
      updatesPerSec: round(sequenced.keys.length / SECONDS, 1),
      lost: sequenced.result.lost + missingFromLog,
      duplicated: Math.max(0, rows.length - sequenced.keys.length - warmUp.keys.length),
    },
    inMemory: inMemory.result,
    ratioAckP50: round(sequenced.result.ackP50Ms / inMemory.result.ackP50Ms, 2),
    ratioFanoutP50: round(sequenced.result.fanoutP50Ms / inMemory.result.fanoutP50Ms, 2),
    fsyncFloorMs: round(floor.p50, 3),
    writers: WRITERS,
    rate: RATE,
    viewers: VIEWERS,
    seconds: SECONDS,
    cpus: os.cpus().length,
    note: "one WebSocket per client; writers on the main thread, viewers in a worker thread, on the same machine",
  };
  log(JSON.stringify(result));
  console.log(JSON.stringify(result));
  const clean = result.sequenced.lost + result.sequenced.duplicated + result.inMemory.lost === 0;
  process.exitCode = clean ? 0 : 1;
} finally {
  await processes.stopAll();
  await owner.close();
  await app.close();
  await database.drop();
}

/** K writers and V viewers on one document for `seconds`; latencies and what arrived. */
async function workload(
  label: string,
  url: string,
  pid: number,
  tokens: { writers: string[]; viewers: string[] },
  sessionId: string,
  seconds: number,
): Promise<{ result: Result; keys: string[] }> {
  const name = `session:${sessionId}`;
  const viewers = viewersWorker();
  const ready = await viewers.connect(url, name, tokens.viewers, "board");
  const writers = await Promise.all(
    tokens.writers.map(async (token) => {
      const doc = new Y.Doc();
      const provider = new HocuspocusProvider({
        url: `${url.replace("http", "ws")}/sync`,
        name,
        document: doc,
        token,
      });
      await until(() => provider.isSynced && !provider.hasUnsyncedChanges, 30_000);
      return { doc, provider };
    }),
  );
  log(`${label}: ${writers.length} writers and ${ready.viewers} viewers connected`);

  const sentAt = new Map<string, number>();
  const ack: number[] = [];
  // Acknowledgements come back in order on each connection: match them to send times.
  const queues = writers.map(({ provider }) => {
    const queue: number[] = [];
    let previous = 0;
    provider.on("unsyncedChanges", ({ number }: { number: number }) => {
      for (let i = number; i < previous; i += 1) {
        const sent = queue.shift();
        if (sent !== undefined) ack.push(epochNow() - sent);
      }
      previous = number;
    });
    return queue;
  });

  const cpuBefore = cpuMs(pid);
  const startAt = performance.now();
  const perWriter = RATE * seconds;
  await Promise.all(
    writers.map(async ({ doc }, w) => {
      const board = doc.getMap("board:main");
      for (let n = 0; n < perWriter; n += 1) {
        // Writers spread across each interval, each on its own even schedule.
        const due = startAt + ((n + w / writers.length) * 1_000) / RATE;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const key = `${label}:${w}:${n}`;
        const now = epochNow();
        sentAt.set(key, now);
        queues[w]!.push(now);
        board.set(key, stroke(w, n));
      }
    }),
  );
  const wallMs = performance.now() - startAt;
  const cpu = cpuMs(pid) - cpuBefore;
  const keys = [...sentAt.keys()];
  const { complete, overDelivered } = await viewers.collect(keys, 30_000);
  await until(() => writers.every(({ provider }) => !provider.hasUnsyncedChanges), 30_000).catch(
    () => log(`${label}: some writes were not acknowledged within 30 s`),
  );
  const rss = rssMb(pid);
  for (const { provider } of writers) provider.destroy();
  await viewers.close();

  const fanout = keys.flatMap((key) => (complete[key] ? [complete[key] - sentAt.get(key)!] : []));
  const a = summarize(ack);
  const f = summarize(fanout);
  const result: Result = {
    ackP50Ms: round(a.p50, 2),
    ackP99Ms: round(a.p99, 2),
    fanoutP50Ms: round(f.p50, 2),
    fanoutP99Ms: round(f.p99, 2),
    updatesPerSec: round(fanout.length / seconds, 1),
    lost: keys.length - fanout.length,
    duplicated: overDelivered,
    serverCpuPct: round((cpu / wallMs) * 100, 1),
    serverRssMb: round(rss, 1),
  };
  log(`${label}: ${JSON.stringify(result)}`);
  return { result, keys };
}

/** Milliseconds since the epoch, sub-millisecond, comparable across threads. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A short pen stroke, about the size of a real one. */
function stroke(writer: number, n: number) {
  const x = (n * 37) % 1500;
  const y = (writer * 211 + n * 13) % 850;
  return {
    kind: "pen",
    points: [x, y, x + 4, y + 2, x + 9, y + 5, x + 15, y + 7, x + 22, y + 8, x + 30, y + 8],
    color: "#1f2937",
    width: 4,
    author: `writer-${writer}`,
    at: Date.now(),
  };
}

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
