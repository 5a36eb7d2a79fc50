import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useEffect, useRef, useState } from "react";
import { callApi } from "./api";

/** An event as the class stream sends it (see core/classEvents.ts). */
export interface FeedEvent {
  sequence: number;
  type: string;
  actorUserId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export type FeedStatus = "connecting" | "open" | "reconnecting";

/**
 * Follow a class's events from `after`, read from the event log: a server-sent
 * event stream, and once the studio is connected also the sync server's pushes
 * (`sync-server/classPush.ts`), whichever is first. Both are in sequence order,
 * so an event already seen is dropped; a push whose `since` is past the last
 * event seen means some were missed, and they are fetched over HTTP first.
 * EventSource reconnects by itself and resumes from the last id it saw.
 */
export function useClassFeed(
  sessionId: string,
  after: number,
  onEvents: (events: FeedEvent[]) => void,
  enabled = true,
  studio: HocuspocusProvider | null = null,
): FeedStatus {
  const [status, setStatus] = useState<FeedStatus>("connecting");
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const last = useRef(after);
  const deliver = (events: FeedEvent[]) => {
    const fresh = events.filter((event) => event.sequence > last.current);
    if (fresh.length === 0) return;
    last.current = fresh.at(-1)!.sequence;
    handler.current(fresh);
  };

  useEffect(() => {
    if (!studio || !enabled) return;
    let filling: Promise<void> = Promise.resolve();
    const onStateless = ({ payload }: { payload: string }) => {
      const message = JSON.parse(payload) as {
        kind?: string;
        since: number;
        last: number;
        events: FeedEvent[];
      };
      if (message.kind !== "events") return;
      // One at a time, so a gap is filled before what comes after it.
      filling = filling.then(async () => {
        while (message.since > last.current) {
          const page = await callApi<{ events: FeedEvent[]; last: number }>(
            `/api/sessions/${sessionId}/events?after=${last.current}`,
            { method: "GET" },
          ).catch(() => null);
          if (!page || page.last <= last.current) break;
          deliver(page.events);
          last.current = Math.max(last.current, page.last);
        }
        deliver(message.events);
      });
    };
    studio.on("stateless", onStateless);
    return () => {
      studio.off("stateless", onStateless);
    };
  }, [studio, enabled, sessionId]);

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`/api/sessions/${sessionId}/stream?after=${last.current}`);
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("class", (message) => {
      deliver([JSON.parse((message as MessageEvent<string>).data) as FeedEvent]);
    });
    return () => source.close();
  }, [sessionId, enabled]);

  return status;
}
