import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useEffect, useState } from "react";
import * as Y from "yjs";
import { callApi } from "../classroom/api";

/**
 * The class's live document (DESIGN.md section 6), over Lectern's sync server.
 * - `live`: connected and in sync; changes may be made.
 * - `paused`: the server could not record a change (its event log refused);
 *   the change is kept here and re-sent on reconnect.
 * - `offline`: the connection dropped; the last state stays on screen, read-only.
 * - `closed`: the server ended this connection for good (class ended, you left,
 *   or a change was refused); `reason` says which.
 */
export type StudioState = "connecting" | "live" | "paused" | "offline" | "closed";

export interface Studio {
  doc: Y.Doc;
  provider: HocuspocusProvider | null;
  state: StudioState;
  reason: string | null;
  /** Start again from the server's state (after a refused change). */
  reload(): void;
}

const PAUSED = 4503;

export function useStudio(
  sessionId: string,
  enabled: boolean,
  me: { name: string; color: string },
): Studio {
  const [generation, setGeneration] = useState(0);
  const [doc, setDoc] = useState(() => new Y.Doc());
  const [provider, setProvider] = useState<HocuspocusProvider | null>(null);
  const [state, setState] = useState<StudioState>("connecting");
  const [reason, setReason] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let current: HocuspocusProvider | null = null;
    const fresh = generation === 0 ? doc : new Y.Doc();
    if (fresh !== doc) setDoc(fresh);
    void import("@hocuspocus/provider").then(({ HocuspocusProvider }) => {
      if (cancelled) return;
      let paused = false;
      current = new HocuspocusProvider({
        url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/sync`,
        name: `session:${sessionId}`,
        document: fresh,
        // Asked on every (re)connect and whenever the server wants a fresh token.
        token: async () =>
          (await callApi<{ token: string }>(`/api/sessions/${sessionId}/sync-token`)).token,
        onSynced: () => {
          paused = false;
          setState("live");
        },
        onStatus: ({ status }) => {
          if (status === "connecting")
            setState((s) => (s === "closed" ? s : paused ? "paused" : s));
          if (status === "disconnected") {
            setState((s) => (s === "closed" ? s : paused ? "paused" : "offline"));
          }
        },
        onClose: ({ event }) => {
          if (event.code === PAUSED) {
            paused = true;
            setState("paused");
          } else if (event.code === 1000 && event.reason) {
            // The server closed this document for good (see sync-server CLOSE).
            setReason(event.reason);
            setState("closed");
          }
        },
        onAuthenticationFailed: () => {
          setReason("You can't join the studio of this class right now.");
          setState("closed");
        },
      });
      current.awareness?.setLocalStateField("user", me);
      setProvider(current);
    });
    return () => {
      cancelled = true;
      current?.destroy();
      setProvider(null);
    };
    // `me` is set once per connection (a new name mid-class is not worth a reconnect);
    // `doc` is replaced by this effect itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, sessionId, generation]);

  return {
    doc,
    provider,
    state,
    reason,
    reload: () => {
      setReason(null);
      setState("connecting");
      setGeneration((g) => g + 1);
    },
  };
}

/** A top-level map of the document, re-rendering the caller whenever it changes. */
export function useMap<T = unknown>(doc: Y.Doc, name: string): Y.Map<T> {
  const map = doc.getMap<T>(name);
  const [, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    map.observe(bump);
    return () => map.unobserve(bump);
  }, [map]);
  return map;
}
