import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  board,
  itemCounts,
  loggedUpdates,
  classroomHarness,
  replay,
  until,
} from "./support/syncClients";
import { reachable, startSyncProcess, type SyncProcess } from "./support/syncProcess";

/*
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
    await until(
      () =>
        board(viewer.doc).size === 600 &&
        !a.provider.hasUnsyncedChanges &&
        !b.provider.hasUnsyncedChanges,
      30_000,
    );
    expect(board(a.doc).toJSON()).toEqual(board(viewer.doc).toJSON());
    expect(board(b.doc).toJSON()).toEqual(board(viewer.doc).toJSON());
    const updates = await loggedUpdates(owner.pool, sessionId);
    const counts = itemCounts(updates, viewer.doc);
    expect(counts.logged).toBe(counts.inDoc);
    expect(board(replay(updates)).toJSON()).toEqual(board(viewer.doc).toJSON());
  });

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
      await until(
        () =>
          board(viewer.doc).size === 400 &&
          board(a.doc).size === 400 &&
          !a.provider.hasUnsyncedChanges &&
          !b.provider.hasUnsyncedChanges,
        30_000,
      );
      expect(board(a.doc).toJSON()).toEqual(board(viewer.doc).toJSON());
      const updates = await loggedUpdates(owner.pool, sessionId);
      expect(updates).toHaveLength(400);
      const counts = itemCounts(updates, viewer.doc);
      expect(counts.logged).toBe(counts.inDoc);
      expect(Y.encodeStateAsUpdate(replay(updates))).toEqual(Y.encodeStateAsUpdate(viewer.doc));
    },
  );
});
