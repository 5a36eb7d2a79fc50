import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { HocuspocusProvider } from "@hocuspocus/provider";
import type * as Y from "yjs";
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { createScratchDatabase, type ScratchDatabase } from "../../db/scratchDatabase";
import { ApiError } from "../../app/components/classroom/api";
import { connectStudio, type StudioState } from "../../app/components/studio/studioSync";
import type { PushedEvents } from "../../sync-server/classPush";
import { until } from "./syncClients";
import type { Browser } from "./webApp";

/**
 * A PostgreSQL cluster of the test's own, which the test may stop and start
 * again (same port, same data directory) while an app is connected to it.
 */
export interface OwnCluster {
  /** A migrated database on the cluster, with its own app role (as the run's scratch one). */
  database: ScratchDatabase;
  /** Fast shutdown (as `pg_ctl stop -m fast`): connections are cut, the data stays. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnCluster(label: string): Promise<OwnCluster> {
  const root = await mkdtemp(path.join(os.tmpdir(), "lectern-outage-"));
  // Readable by the `postgres` system user that runs the cluster when we are root.
  await chmod(root, 0o755);
  const dir = path.join(root, "data");
  const port = await freePort();
  let running: EmbeddedDatabase | null = null;
  const start = async () => {
    running ??= await startEmbeddedPostgres({ dir, port, database: "postgres" });
  };
  await start();
  const database = await createScratchDatabase(label, running!.url);
  return {
    database,
    start,
    async stop() {
      await running?.stop();
      running = null;
    },
    async destroy() {
      await running?.stop();
      running = null;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * The studio as the page runs it: `connectStudio` (app/components/studio/studioSync.ts),
 * driven against the real server, with the states it went through (repeats and
 * "connecting" collapsed), the sockets' closes and the class events pushed to it.
 */
export interface Studio {
  doc: Y.Doc;
  provider: HocuspocusProvider;
  state: StudioState;
  states: StudioState[];
  closes: { code: number; reason: string }[];
  pushed: PushedEvents[];
  destroy(): void;
}

export async function openStudio(
  url: string,
  sessionId: string,
  token: () => Promise<string>,
  timeoutMs = 10_000,
): Promise<Studio> {
  const studio = {
    state: "connecting",
    states: [],
    closes: [],
    pushed: [],
  } as unknown as Studio;
  const watched = new WeakSet<object>();
  const sync = connectStudio({
    url: `${url.replace("http", "ws")}/sync`,
    name: `session:${sessionId}`,
    token,
    onChange(snapshot) {
      studio.doc = snapshot.doc;
      studio.state = snapshot.state;
      if (snapshot.state !== "connecting" && studio.states.at(-1) !== snapshot.state) {
        studio.states.push(snapshot.state);
      }
      const provider = snapshot.provider;
      if (provider && !watched.has(provider)) {
        watched.add(provider);
        studio.provider = provider;
        provider.on("close", ({ event }: { event: CloseEvent }) =>
          studio.closes.push({ code: event.code, reason: event.reason }),
        );
        provider.on("stateless", ({ payload }: { payload: string }) =>
          studio.pushed.push(JSON.parse(payload) as PushedEvents),
        );
      }
    },
  });
  studio.destroy = () => sync.destroy();
  await until(() => studio.provider?.isSynced && studio.state === "live", timeoutMs).catch(
    (error: unknown) => {
      sync.destroy();
      throw new Error(`${String(error)}: the studio went ${studio.states.join(" → ")}`);
    },
  );
  return studio;
}

/**
 * The studio's token function as the page has it (`callApi` throws an
 * `ApiError` carrying the answer's status): a 503 while the database is away
 * is for the studio to wait out, not a failed authentication.
 */
export function tokenOf(browser: Browser, sessionId: string) {
  return async (): Promise<string> => {
    const response = await browser.api(`/api/sessions/${sessionId}/sync-token`);
    if (!response.ok) throw new ApiError("no sync token", response.status, "unavailable");
    return ((await response.json()) as { token: string }).token;
  };
}
