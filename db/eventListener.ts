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
    const next = new pg.Client({ connectionString: url, application_name: "lectern-listen" });
    next.on("notification", (message) => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      const notice = parseNotification(message.payload);
      if (notice) options.onNotice(notice);
    });
    next.on("error", (error) => {
      options.onError?.(error);
      scheduleReconnect();
    });
    next.on("end", () => {
      if (client === next) scheduleReconnect();
    });
    await next.connect();
    await next.query(`listen ${NOTIFY_CHANNEL}`);
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
        () => options.onReconnect?.(),
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
