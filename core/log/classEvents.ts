import type pg from "pg";
import { readEvents, type StoredEvent } from "../../db/eventLog";
import { listenForEvents, type EventListener } from "../../db/eventListener";
import type { Logger } from "../platform/logger";

/**
 * Live events of classes for the web role's event streams, read from the log.
 * One LISTEN connection per process; a notice makes the hub read the new rows
 * of that class once and hand them to every subscriber of the class, in
 * sequence order, each exactly once. A subscriber first catches up from the
 * log itself, so nothing between its last sequence and the live tail is lost.
 */

/** What a class's clients see of an event (binary Yjs updates travel through the sync server). */
export interface ClassEvent {
  sequence: number;
  type: string;
  actorUserId: string | null;
  payload: unknown;
  occurredAt: string;
}

export const toClassEvent = (event: StoredEvent): ClassEvent => ({
  sequence: event.sequence,
  type: event.type,
  actorUserId: event.actorUserId,
  payload: event.payload,
  occurredAt: event.occurredAt.toISOString(),
});

interface Subscriber {
  last: number;
  send: (events: ClassEvent[]) => void;
}

interface ClassFeed {
  tenantId: string;
  subscribers: Set<Subscriber>;
  /** Highest sequence read for this class; reads happen one at a time. */
  head: number;
  reading: Promise<void> | null;
  again: boolean;
}

export interface ClassEventHub {
  /** Events after `after`, then every new one as it is committed. Returns an unsubscribe. */
  subscribe(
    query: { tenantId: string; sessionId: string; after: number },
    send: (events: ClassEvent[]) => void,
  ): Promise<() => void>;
  close(): Promise<void>;
}

const PAGE = 500;

export async function createClassEventHub(options: {
  pool: pg.Pool;
  listenUrl: string;
  log: Logger;
}): Promise<ClassEventHub> {
  const feeds = new Map<string, ClassFeed>();

  const pump = (sessionId: string) => {
    const feed = feeds.get(sessionId);
    if (!feed) return;
    if (feed.reading) {
      feed.again = true;
      return;
    }
    feed.reading = (async () => {
      do {
        feed.again = false;
        // From the furthest-behind subscriber: one who joined mid-read still gets everything.
        let after = Math.min(feed.head, ...[...feed.subscribers].map((s) => s.last));
        for (;;) {
          const events = await readEvents(options.pool, {
            tenantId: feed.tenantId,
            sessionId,
            after,
            limit: PAGE,
          });
          if (events.length === 0) break;
          after = events.at(-1)!.sequence;
          feed.head = Math.max(feed.head, after);
          deliver(feed, events.map(toClassEvent));
          if (events.length < PAGE) break;
        }
      } while (feed.again);
    })()
      .catch((error: unknown) => options.log.warn({ err: error, sessionId }, "event read failed"))
      .finally(() => {
        feed.reading = null;
      });
  };

  // Said once per outage: the listener retries every second until the database is back.
  let down = false;
  const listener: EventListener = await listenForEvents(options.listenUrl, {
    onNotice: (notice) => {
      const feed = feeds.get(notice.sessionId);
      if (feed && notice.to > feed.head) pump(notice.sessionId);
    },
    // Notices may have been missed while disconnected: read every class's tail.
    onReconnect: () => {
      if (down) options.log.info("event listener reconnected");
      down = false;
      for (const sessionId of feeds.keys()) pump(sessionId);
    },
    onError: (error) => {
      const detail = { error: error.message, code: (error as { code?: string }).code };
      if (!down) options.log.warn(detail, "event listener connection failed; retrying");
      else options.log.debug(detail, "event listener still cannot connect");
      down = true;
    },
  });

  return {
    async subscribe({ tenantId, sessionId, after }, send) {
      const subscriber: Subscriber = { last: after, send };
      // Catch up from the log first, page by page.
      for (;;) {
        const events = await readEvents(options.pool, {
          tenantId,
          sessionId,
          after: subscriber.last,
          limit: PAGE,
        });
        if (events.length > 0)
          deliver({ subscribers: new Set([subscriber]) }, events.map(toClassEvent));
        if (events.length < PAGE) break;
      }
      let feed = feeds.get(sessionId);
      if (!feed) {
        feed = {
          tenantId,
          subscribers: new Set(),
          head: subscriber.last,
          reading: null,
          again: false,
        };
        feeds.set(sessionId, feed);
      }
      feed.subscribers.add(subscriber);
      // Anything committed between the catch-up and joining the feed.
      pump(sessionId);
      return () => {
        feed.subscribers.delete(subscriber);
        if (feed.subscribers.size === 0 && feeds.get(sessionId) === feed) feeds.delete(sessionId);
      };
    },
    async close() {
      feeds.clear();
      await listener.close();
    },
  };
}

/** Give each subscriber the events it has not seen, in order. */
function deliver(feed: { subscribers: Set<Subscriber> }, events: ClassEvent[]) {
  for (const subscriber of feed.subscribers) {
    const fresh = events.filter((e) => e.sequence > subscriber.last);
    if (fresh.length === 0) continue;
    subscriber.last = fresh.at(-1)!.sequence;
    subscriber.send(fresh);
  }
}
