import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { createScratchDatabase, type ScratchDatabase } from "../../db/scratchDatabase";
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
 * What the studio shows (app/components/studio/useStudio.ts), from the same
 * provider signals: a 4503 close pauses it, and it stays paused through
 * reconnect attempts until the document is in sync again; a close of the
 * document (1000 with a reason) or a failed authentication closes it for good.
 */
export type StudioState = "live" | "paused" | "offline" | "closed";

export interface Studio {
  doc: Y.Doc;
  provider: HocuspocusProvider;
  state: StudioState;
  /** Every state the studio has been in, in order (repeats collapsed). */
  states: StudioState[];
  closes: { code: number; reason: string }[];
  pushed: PushedEvents[];
}

export async function openStudio(
  url: string,
  sessionId: string,
  token: () => Promise<string>,
  timeoutMs = 10_000,
): Promise<Studio> {
  const doc = new Y.Doc();
  let paused = false;
  const studio: Studio = {
    doc,
    provider: null as unknown as HocuspocusProvider,
    state: "offline",
    states: [],
    closes: [],
    pushed: [],
  };
  const set = (next: StudioState) => {
    studio.state = next;
    if (studio.states.at(-1) !== next) studio.states.push(next);
  };
  studio.provider = new HocuspocusProvider({
    url: `${url.replace("http", "ws")}/sync`,
    name: `session:${sessionId}`,
    document: doc,
    token,
    onSynced: () => {
      paused = false;
      set("live");
    },
    onStatus: ({ status }) => {
      if (studio.state === "closed") return;
      if (status === "connecting" && paused) set("paused");
      if (status === "disconnected") set(paused ? "paused" : "offline");
    },
    onClose: ({ event }) => {
      studio.closes.push({ code: event.code, reason: event.reason });
      if (event.code === 4503) {
        paused = true;
        set("paused");
      } else if (event.code === 1000 && event.reason) {
        set("closed");
      }
    },
    onAuthenticationFailed: () => set("closed"),
    onStateless: ({ payload }) => studio.pushed.push(JSON.parse(payload) as PushedEvents),
  });
  await until(() => studio.provider.isSynced && studio.state === "live", timeoutMs).catch(
    (error: unknown) => {
      studio.provider.destroy();
      throw new Error(`${String(error)}: the studio went ${studio.states.join(" → ")}`);
    },
  );
  return studio;
}

/**
 * The studio's token function, as it must behave for a class to resume by
 * itself: the web app answering 503 (its database is away) is a reason to
 * wait and ask again, not a failed authentication.
 */
export function patientToken(browser: Browser, sessionId: string) {
  return async (): Promise<string> => {
    for (;;) {
      const response = await browser.api(`/api/sessions/${sessionId}/sync-token`);
      if (response.ok) return ((await response.json()) as { token: string }).token;
      if (response.status !== 503) throw new Error(`sync token: ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
}
