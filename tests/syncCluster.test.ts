import { afterAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { board, classroomHarness, converged, expectLoggedOnce } from "./support/syncClients";
import { reachable, startSyncProcess, type SyncProcess } from "./support/syncProcess";

/*
 * (Each test may take up to 90 s: processes start, and on a busy machine a
 * restarted server takes a few seconds before clients converge.)
 *
 * Sync servers as real processes (server.ts with ROLE=sync): one killed with
 * SIGKILL mid-burst and started again; two sharing a class through Redis. The
 * web app in this process only signs people in and mints tokens.
 */

const harness = classroomHarness();
const { owner } = harness;
const processes: SyncProcess[] = [];
const redisUp = await reachable("127.0.0.1", 6379);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop().catch(() => {})));
});

const started = async (env: Record<string, string> = {}, port?: number) => {
  const server = await startSyncProcess(env, port);
  processes.push(server);
  return server;
};

/** Draw `count` shapes, a few per tick, as someone drawing quickly would. */
async function drawBurst(doc: Y.Doc, who: string, count: number, onShape?: (i: number) => void) {
  for (let i = 0; i < count; i += 1) {
    board(doc).set(`${who}${i}`, { kind: "pen", points: [i, i + 1, i + 2] });
    onShape?.(i);
    if (i % 5 === 4) await new Promise((r) => setTimeout(r, 5));
  }
}

describe("sync servers as processes (real Postgres, real providers)", () => {
  it("loses no acknowledged change and logs none twice when the server is killed mid-burst", async () => {
    const server = await started();
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const on = { server: server.url };
    const [a, b, viewer] = await Promise.all([
      harness.sync.open(teacher, sessionId, on),
      harness.sync.open(teacher, sessionId, on),
      harness.sync.open(student, sessionId, on),
    ]);
    let restarted: Promise<SyncProcess> | null = null;
    const kill = (i: number) => {
      if (i !== 120 || restarted) return;
      restarted = server.kill().then(() => started({}, server.port));
    };
    await Promise.all([drawBurst(a.doc, "a", 300, kill), drawBurst(b.doc, "b", 300)]);
    await restarted;
    await converged([viewer, a, b], 600);
    await expectLoggedOnce(owner.pool, sessionId, viewer.doc);
  }, 90_000);

  it.skipIf(!redisUp)(
    "two sync servers sharing a class through Redis converge, each change sequenced once (needs Redis at 127.0.0.1:6379)",
    async () => {
      const redis = { REDIS_URL: "redis://127.0.0.1:6379" };
      const [one, two] = await Promise.all([started(redis), started(redis)]);
      const { sessionId, teacher, student } = await harness.sync.liveClass();
      const [a, b, viewer] = await Promise.all([
        harness.sync.open(teacher, sessionId, { server: one.url }),
        harness.sync.open(teacher, sessionId, { server: two.url }),
        harness.sync.open(student, sessionId, { server: two.url }),
      ]);
      await Promise.all([drawBurst(a.doc, "a", 200), drawBurst(b.doc, "b", 200)]);
      await converged([viewer, a, b], 400);
      expect(await expectLoggedOnce(owner.pool, sessionId, viewer.doc)).toHaveLength(400);
    },
    90_000,
  );
});
