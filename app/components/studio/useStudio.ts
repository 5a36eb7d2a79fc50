import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useEffect, useRef, useState } from "react";
import * as Y from "yjs";
import { callApi } from "../classroom/api";
import {
  connectStudio,
  type StudioSnapshot,
  type StudioState,
  type StudioSync,
} from "./studioSync";

export type { StudioState };

/** The class's live document (DESIGN.md section 6), over Lectern's sync server (`studioSync.ts`). */
export interface Studio {
  doc: Y.Doc;
  provider: HocuspocusProvider | null;
  state: StudioState;
  reason: string | null;
  /** A refused change, undone; shown until dismissed. */
  notice: string | null;
  /** Start again from the server's state (after a refused change). */
  reload(): void;
  dismissNotice(): void;
}

export function useStudio(
  sessionId: string,
  enabled: boolean,
  me: { name: string; color: string },
): Studio {
  const [snapshot, setSnapshot] = useState<StudioSnapshot>(() => ({
    doc: new Y.Doc(),
    provider: null,
    state: "connecting",
    reason: null,
    notice: null,
  }));
  const connection = useRef<StudioSync | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const sync = connectStudio({
      url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/sync`,
      name: `session:${sessionId}`,
      token: async () =>
        (await callApi<{ token: string }>(`/api/sessions/${sessionId}/sync-token`)).token,
      // The document on screen: the first connection keeps it, later ones start afresh.
      doc: connection.current ? undefined : snapshot.doc,
      me,
      onChange: setSnapshot,
    });
    connection.current = sync;
    return () => {
      sync.destroy();
      setSnapshot((s) => ({ ...s, provider: null }));
    };
    // `me` is set once per connection (a new name mid-class is not worth a reconnect);
    // `snapshot.doc` is replaced by the connection itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, sessionId]);

  return {
    ...snapshot,
    reload: () => connection.current?.reload(),
    dismissNotice: () => connection.current?.dismissNotice(),
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
