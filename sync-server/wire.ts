import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { Logger } from "../core/platform/logger";
import { Budget, Throttle } from "./budget";
import { CLOSE, type CloseEvent } from "./closeCodes";
import { MESSAGE_ENVELOPE_BYTES, type SyncLimits } from "./limits";

/**
 * The sync server's WebSocket endpoint: nothing a peer sends, before or after
 * the upgrade, authenticated or not, may reach `uncaughtException` (one bad
 * frame used to take web, sync and jobs down together). Each socket error ends
 * that socket alone, with the close code the protocol calls for, and is logged
 * at warn. Messages then pass two limits before the application sees them:
 * their size (1009) and the connection's sending budget (slowed, then 4429).
 */

export interface WireConnection {
  message(data: Uint8Array): void;
  closed(event: CloseEvent): void;
}

export interface Wire {
  /** For an HTTP server's `upgrade` event: takes `path`, leaves anything else alone (false). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** End every connection (1001, then cut after a second) and take no more. */
  close(): Promise<void>;
}

/** How long a connection we closed may take to answer our close frame before it is cut. */
const CLOSE_GRACE_MS = 5_000;

export function createWire(
  deps: { path: string; limits: SyncLimits; log: Logger },
  accept: (ws: WebSocket, request: IncomingMessage, url: URL) => WireConnection,
): Wire {
  const { limits, log } = deps;
  const wss = new WebSocketServer<typeof ExplainedWebSocket>({
    noServer: true,
    WebSocket: ExplainedWebSocket,
    // ws answers a bigger frame (or fragmented message) with 1009 before buffering it.
    maxPayload: limits.maxFrameBytes,
  });

  const serve = (ws: WebSocket, request: IncomingMessage, url: URL, remote?: string) => {
    // On a protocol violation ws has sent the close frame it calls for (1002, 1007,
    // 1009) and ends the socket; a failed socket it destroys. Either way, only log.
    ws.on("error", (error) =>
      logPeerError(log, error, remote, "sync connection failed; closed it"),
    );
    let connection: WireConnection;
    try {
      connection = accept(ws, request, url);
    } catch (error) {
      log.warn({ err: error }, "could not open a sync connection; closed it");
      ws.terminate();
      return;
    }
    let ending = false;
    const end = ({ code, reason }: CloseEvent) => {
      if (ending) return;
      ending = true;
      throttle.stop();
      ws.close(code, reason);
      // Read on (and drop) until the peer answers our close frame.
      ws.resume();
    };
    const throttle = new Throttle<Buffer>(
      new Budget(limits, Date.now()),
      limits.overBudgetSeconds * 1000,
      {
        deliver: (data) => {
          try {
            connection.message(new Uint8Array(data));
          } catch (error) {
            log.warn({ err: error, remote }, "could not handle a sync message; closed it");
            end(CLOSE.serverError);
          }
        },
        pause: () => ws.pause(),
        resume: () => ws.resume(),
        slowed: () => log.warn({ remote }, "sync connection over its sending budget; slowed"),
        overBudget: () => {
          log.warn({ remote }, "sync connection over its sending budget for too long; closed it");
          end(CLOSE.tooFast);
        },
      },
    );
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (ending) return;
      if (!isBinary) return end(CLOSE.notBinary);
      const bytes = asBuffer(data);
      if (bytes.byteLength > limits.maxUpdateBytes + MESSAGE_ENVELOPE_BYTES) {
        log.warn(
          { remote, bytes: bytes.byteLength },
          "sync message over the size limit; closed it",
        );
        return end(CLOSE.tooLarge);
      }
      throttle.offer(bytes);
    });
    ws.on("close", (code, reason) => {
      ending = true;
      throttle.stop();
      connection.closed({ code, reason: reason.toString() });
    });
  };

  return {
    handleUpgrade(request, socket, head) {
      const url = parseUrl(request.url);
      if (!url || url.pathname !== deps.path) return false;
      const remote = request.socket.remoteAddress;
      // Node takes its own error listener off the socket before 'upgrade': until
      // ws has it (and after), an error here would otherwise be uncaught.
      socket.on("error", (error) => {
        logPeerError(log, error, remote, "sync socket failed; closed it");
        socket.destroy();
      });
      try {
        wss.handleUpgrade(request, socket, head, (ws) => serve(ws, request, url, remote));
      } catch (error) {
        log.warn({ err: error }, "could not upgrade a sync connection; closed it");
        socket.destroy();
      }
      return true;
    },
    async close() {
      wss.close();
      // Going away (1001): providers reconnect, to another server behind the balancer.
      // Those that do not answer in a second are cut, so the HTTP server can close.
      for (const ws of wss.clients) ws.close(CLOSE.goingAway.code, CLOSE.goingAway.reason);
      const deadline = Date.now() + 1_000;
      while (wss.clients.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

/**
 * ws closes on a protocol violation with a bare code: say in words what it
 * means. And a peer that does not answer a close frame is cut off after a few
 * seconds (ws would wait 30), whoever closed: this module, the hooks or ws.
 */
class ExplainedWebSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    super.close(code, reason ?? (code === undefined ? undefined : WORDS.get(code)));
    setTimeout(() => this.terminate(), CLOSE_GRACE_MS).unref();
  }
}

/** A peer gone (a tab closed, a network dropped) is ordinary; anything else it did is worth a warning. */
const GONE = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/** What a peer's error says, for the log (its stack is ws's or Node's, not news). */
function logPeerError(log: Logger, error: Error, remote: string | undefined, msg: string) {
  const code = (error as { code?: unknown }).code;
  const line = { error: error.message, code, remote };
  if (typeof code === "string" && GONE.has(code)) log.debug(line, msg);
  else log.warn(line, msg);
}

const WORDS = new Map<number, string>(
  [CLOSE.protocolError, CLOSE.invalidData, CLOSE.tooLarge].map(({ code, reason }) => [
    code,
    reason,
  ]),
);

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? "/", "http://localhost");
  } catch {
    return null;
  }
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
