import { useEffect, useRef, useState } from "react";

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
 * Follow a class's events from `after`: a server-sent event stream read from
 * the event log. Events arrive in sequence order; one already seen is dropped.
 * EventSource reconnects by itself and resumes from the last id it saw.
 */
export function useClassFeed(
  sessionId: string,
  after: number,
  onEvents: (events: FeedEvent[]) => void,
  enabled = true,
): FeedStatus {
  const [status, setStatus] = useState<FeedStatus>("connecting");
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const last = useRef(after);

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`/api/sessions/${sessionId}/stream?after=${last.current}`);
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("class", (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as FeedEvent;
      if (event.sequence <= last.current) return;
      last.current = event.sequence;
      handler.current([event]);
    });
    return () => source.close();
  }, [sessionId, enabled]);

  return status;
}
