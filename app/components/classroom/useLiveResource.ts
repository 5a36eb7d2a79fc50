import { useCallback, useEffect, useRef, useState } from "react";
import { callApi } from "./api";
import type { FeedEvent } from "./useClassFeed";

/**
 * A resource read over HTTP and read again when the class's events say it
 * changed. Refreshes are coalesced (one read per `delayMs` at most), so a
 * burst of votes costs a few reads, not one per vote. The server decides
 * what this person may see; the events only say when to ask.
 */
export function useLiveResource<T>(
  path: string,
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void,
  changes: (event: FeedEvent) => boolean,
  unavailable: string,
  delayMs = 250,
) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const changesRef = useRef(changes);
  changesRef.current = changes;
  // The first delay given stays (a random spread must not re-subscribe every render).
  const delay = useRef(delayMs).current;

  const reload = useCallback(async () => {
    try {
      setData(await callApi<T>(path, { method: "GET" }));
      setProblem(null);
    } catch {
      setProblem(unavailable);
    }
  }, [path, unavailable]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    const stop = subscribe((events) => {
      if (timer.current || !events.some((e) => changesRef.current(e))) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void reload();
      }, delay);
    });
    return () => {
      stop();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [subscribe, reload, delay]);

  return { data, setData, problem, setProblem, reload };
}

/**
 * How long to gather changes before reading again: teachers see tallies move
 * quickly; a class of students, each re-reading, is spread over a second or so
 * so that a burst of votes does not become a burst of reads.
 */
export function refreshDelay(teaching: boolean): number {
  return teaching ? 250 : 700 + Math.floor(Math.random() * 600);
}
