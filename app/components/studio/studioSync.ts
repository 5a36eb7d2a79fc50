import type { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";
import { CLOSE } from "../../../sync-server/closeCodes";

/**
 * The studio's connection to the sync server, and what it does when the server
 * ends it (sync-server/closeCodes.ts). Plain TypeScript, no React: `useStudio`
 * wraps it, and tests drive it against the real server.
 * - `live`: connected and in sync; changes may be made.
 * - `paused`: the server could not record a change (its event log refused);
 *   the change is kept here and re-sent on reconnect.
 * - `slowed`: this studio sent changes faster than the server takes them; it
 *   waits a little, reconnects and re-sends what is not yet saved.
 * - `offline`: the connection dropped; the last state stays on screen, read-only.
 * - `closed`: the server ended this connection for good (class ended, you left,
 *   or a change was not allowed); `reason` says which.
 */
export type StudioState = "connecting" | "live" | "paused" | "slowed" | "offline" | "closed";

export interface StudioSnapshot {
  doc: Y.Doc;
  provider: HocuspocusProvider | null;
  state: StudioState;
  reason: string | null;
  /** Something the person should know that does not stop the studio: a refused change. */
  notice: string | null;
}

export interface StudioSync {
  snapshot(): StudioSnapshot;
  /** Start again from the server's state. */
  reload(): void;
  dismissNotice(): void;
  destroy(): void;
}

export interface StudioSyncOptions {
  /** The sync server's WebSocket URL (`ws(s)://…/sync`). */
  url: string;
  /** The class's document, `session:<id>`. */
  name: string;
  /**
   * Asked on every (re)connect and whenever the server wants a fresh token. An
   * error with a temporary `status` (0, 502, 503, 504, as `ApiError` carries)
   * pauses the studio and asks again; any other error fails the connection.
   */
  token: () => Promise<string>;
  onChange(snapshot: StudioSnapshot): void;
  /** The document to start with (default: a new one). */
  doc?: Y.Doc;
  /** Shown to the others (awareness). */
  me?: { name: string; color: string };
  /** The first wait before reconnecting after "too fast"; it doubles while it keeps happening. */
  slowDownMs?: number;
  /** The WebSocket class for the provider (tests watch what it sends). */
  WebSocketPolyfill?: unknown;
}

export const NOTICE = {
  tooLarge: "Your last change was too large to share with the class, so it was undone.",
  documentFull:
    "The class's board is full: your last change could not be shared, so it was undone.",
} as const;

const NOT_ADMITTED = "You can't join the studio of this class right now.";
/** "Too fast" again within this long counts as in a row (the wait doubles). */
const IN_A_ROW_MS = 60_000;
const LONGEST_SLOW_DOWN_MS = 60_000;

/** The token endpoint's answers that mean "not now" (offline, or Lectern's database away), not "no". */
const TEMPORARY = new Set([0, 502, 503, 504]);

/**
 * Ask for a token until the answer is not a temporary failure: a class whose
 * database is briefly away pauses and resumes by itself, where failing the
 * provider's authentication would close the studio for good.
 */
async function patiently(
  token: () => Promise<string>,
  wanted: () => boolean,
  waiting: () => void,
): Promise<string> {
  for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await token();
    } catch (error) {
      const status = (error as { status?: unknown } | null)?.status;
      if (typeof status !== "number" || !TEMPORARY.has(status) || !wanted()) throw error;
      waiting();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export function connectStudio(options: StudioSyncOptions): StudioSync {
  let snapshot: StudioSnapshot = {
    doc: options.doc ?? new Y.Doc(),
    provider: null,
    state: "connecting",
    reason: null,
    notice: null,
  };
  let destroyed = false;
  let stopCurrent = () => {};
  let reconnect: ReturnType<typeof setTimeout> | null = null;
  let slowDowns = 0;
  let lastSlowDown = 0;

  const update = (changes: Partial<StudioSnapshot>) => {
    snapshot = { ...snapshot, ...changes };
    options.onChange(snapshot);
  };

  const start = (doc: Y.Doc) => {
    let active = true;
    let paused = false;
    let provider: HocuspocusProvider | null = null;
    // Stop this provider for good: no reconnect of its own (see onClose), then gone.
    const stop = () => {
      active = false;
      const stopped = provider;
      stopped?.configuration.websocketProvider.disconnect();
      setTimeout(() => stopped?.destroy(), 0);
    };
    stopCurrent = stop;

    const closed = (event: { code: number; reason: string }) => {
      if (event.code === CLOSE.eventLogUnavailable.code) {
        paused = true;
        update({ state: "paused" });
      } else if (event.code === CLOSE.tooLarge.code) {
        // Yjs sync re-sends every change the server lacks, so one refused change
        // cannot be dropped on its own: the provider would send it again on every
        // reconnect, to be refused again, for ever. Nor could the server take this
        // person's later changes, which build on it. So start again from the
        // server's state: a new document and connection. What was not yet saved
        // is lost, and the person is told.
        stop();
        restart(event.reason === CLOSE.documentFull.reason ? NOTICE.documentFull : NOTICE.tooLarge);
      } else if (event.code === CLOSE.tooFast.code) {
        // Reconnecting at once (the provider's way) would carry on the flood:
        // wait, twice as long each time it happens again soon. The changes not
        // yet saved are kept and re-sent on reconnect, in one message.
        const websocket = provider?.configuration.websocketProvider;
        websocket?.disconnect();
        const now = Date.now();
        slowDowns = now - lastSlowDown < IN_A_ROW_MS ? slowDowns + 1 : 0;
        lastSlowDown = now;
        const wait = Math.min(LONGEST_SLOW_DOWN_MS, (options.slowDownMs ?? 5_000) * 2 ** slowDowns);
        update({ state: "slowed" });
        if (reconnect) clearTimeout(reconnect);
        reconnect = setTimeout(() => {
          reconnect = null;
          if (active && !destroyed) void websocket?.connect();
        }, wait);
      } else if (event.code === 1000 && event.reason) {
        // The server closed this document for good (see CLOSE).
        stop();
        update({ reason: event.reason, state: "closed" });
      }
    };

    void import("@hocuspocus/provider").then(({ HocuspocusProvider }) => {
      if (!active || destroyed) return;
      // The provider reports one socket close to onClose twice (its socket's
      // listener and its own): act once per close.
      const seen = new WeakSet<object>();
      provider = new HocuspocusProvider({
        url: options.url,
        name: options.name,
        document: doc,
        token: () =>
          patiently(
            options.token,
            () => active && !destroyed,
            () => {
              paused = true;
              update({ state: "paused" });
            },
          ),
        ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
        onSynced: () => {
          if (!active) return;
          paused = false;
          update({ state: "live" });
        },
        onStatus: ({ status }) => {
          if (!active || ["closed", "slowed"].includes(snapshot.state)) return;
          if (status === "connecting" && paused) update({ state: "paused" });
          if (status === "disconnected") update({ state: paused ? "paused" : "offline" });
        },
        // Runs before the provider's own close handler, so stopping here stops its reconnect.
        onClose: (data) => {
          if (!active || seen.has(data)) return;
          seen.add(data);
          closed(data.event);
        },
        onAuthenticationFailed: () => {
          if (!active) return;
          update({ reason: NOT_ADMITTED, state: "closed" });
        },
      });
      if (options.me) provider.awareness?.setLocalStateField("user", options.me);
      update({ provider });
    });
  };

  const restart = (notice: string | null) => {
    if (destroyed) return;
    if (reconnect) clearTimeout(reconnect);
    reconnect = null;
    const doc = new Y.Doc();
    update({ doc, provider: null, state: "connecting", reason: null, notice });
    start(doc);
  };

  start(snapshot.doc);
  return {
    snapshot: () => snapshot,
    reload() {
      stopCurrent();
      restart(null);
    },
    dismissNotice: () => update({ notice: null }),
    destroy() {
      destroyed = true;
      if (reconnect) clearTimeout(reconnect);
      stopCurrent();
    },
  };
}
