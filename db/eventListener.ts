import pg from "pg";
import { NOTIFY_CHANNEL, parseNotification } from "./eventLog";

export interface EventNotice {
  sessionId: string;
  from: number;
  to: number;
}

export interface EventListener {
  close(): Promise<void>;
}

export interface ListenOptions {
  onNotice: (notice: EventNotice) => void;
  onError?: (error: Error) => void;
  /** Called after a reconnect: notices may have been missed, so readers should fill gaps. */
  onReconnect?: () => void;
  reconnectDelayMs?: number;
}

/**
 * LISTEN on the event log's channel over a dedicated connection, reconnecting
 * after failures. Notices only say which sequences exist; readers fetch the rows.
 */
export async function listenForEvents(url: string, options: ListenOptions): Promise<EventListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      application_name: "lectern-listen",
      // A server that vanished without closing (a failover) must not hold the retry forever.
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    next.on("notification", (message) => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      const notice = parseNotification(message.payload);
      if (notice) options.onNotice(notice);
    });
    // Only the live connection's failure reconnects: one that failed to start is
    // retried by its caller, and a late error of a replaced one must not end its successor.
    next.on("error", (error) => {
      if (client !== next) return;
      options.onError?.(error);
      scheduleReconnect();
    });
    next.on("end", () => {
      if (client === next) scheduleReconnect();
    });
    try {
      await next.connect();
      await next.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    // Closed while this attempt was under way: it is not wanted any more.
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
  };

  const scheduleReconnect = () => {
    if (closed || retry) return;
    const stale = client;
    client = null;
    stale?.end().catch(() => {});
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => {
          if (!closed) options.onReconnect?.();
        },
        (error: Error) => {
          options.onError?.(error);
          scheduleReconnect();
        },
      );
    }, options.reconnectDelayMs ?? 1_000);
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end();
    },
  };
}
