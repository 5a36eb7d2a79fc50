import type { Connection, Document } from "@hocuspocus/server";
import { DOCUMENT_EVENTS, eventFor } from "../core/log/classAudience";
import type { ClassEvent, ClassEventHub } from "../core/log/classEvents";
import type { Logger } from "../core/platform/logger";
import { headSequence } from "../db/eventLog";
import type pg from "pg";
import type { SyncContext } from "./context";

/**
 * A class's interaction events (chat, Q&A, polls, hands, participants, …) pushed
 * to its open documents as stateless messages, read from the log through the
 * process's one LISTEN (core/classEvents.ts).
 *
 * Message: `{"kind":"events","since":S,"last":L,"events":[…]}`. `since` is the
 * `last` of this document's previous message, so a client whose own last
 * sequence is below `since` knows it missed some and fills the gap over HTTP
 * (`GET /api/sessions/:id/events?after=`). Events that travel inside the
 * document (board, slide, scene) are left out; each connection gets only the
 * events its person may see.
 */
export const EVENTS_MESSAGE = "events";

export interface PushedEvents {
  kind: typeof EVENTS_MESSAGE;
  since: number;
  last: number;
  events: ClassEvent[];
}

export interface ClassPush {
  /** Start pushing a loaded document's class; `onEvents` also sees every event (e.g. to enforce). */
  watch(
    document: Document,
    target: { tenantId: string; sessionId: string },
    onEvents: (events: ClassEvent[]) => void,
  ): Promise<void>;
  unwatch(documentName: string): void;
}

export function createClassPush(hub: ClassEventHub, pool: pg.Pool, log: Logger): ClassPush {
  const watching = new Map<string, () => void>();
  return {
    async watch(document, target, onEvents) {
      let since = (await headSequence(pool, target)) ?? 0;
      const unsubscribe = await hub.subscribe({ ...target, after: since }, (events) => {
        try {
          onEvents(events);
        } catch (error) {
          log.error({ err: error, sessionId: target.sessionId }, "class event handler failed");
        }
        const pushed = events.filter((event) => !DOCUMENT_EVENTS.has(event.type));
        if (pushed.length === 0) return;
        const last = pushed.at(-1)!.sequence;
        for (const connection of document.getConnections() as Connection<SyncContext>[]) {
          const { viewer } = connection.context;
          const message: PushedEvents = {
            kind: EVENTS_MESSAGE,
            since,
            last,
            events: pushed.flatMap((event) => eventFor(viewer, event) ?? []),
          };
          connection.sendStateless(JSON.stringify(message));
        }
        since = last;
      });
      // The document may have unloaded while we subscribed.
      if (document.isDestroyed) unsubscribe();
      else watching.set(document.name, unsubscribe);
    },
    unwatch(documentName) {
      watching.get(documentName)?.();
      watching.delete(documentName);
    },
  };
}
