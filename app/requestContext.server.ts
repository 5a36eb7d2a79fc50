import type { RequestHandler } from "express";
import type { Logger } from "../core/platform/logger";
import { requestIdFrom, runWithRequestContext } from "../core/platform/requestContext";
import { runWithQueryTimer, type QueryTimer } from "../db/queryTiming";

/**
 * Give every request an id (a proxy's `x-request-id` when sane), echo it on the
 * response, and run the rest of the request inside it so every log line carries it.
 * The response also says how long the request took and how much of that was
 * the database (`Server-Timing: db;dur=…, app;dur=…`), as does its log line.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.get("x-request-id"));
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    const timer: QueryTimer = { ms: 0, queries: 0 };
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      if (!res.headersSent) {
        const app = performance.now() - started;
        res.setHeader(
          "server-timing",
          `db;dur=${timer.ms.toFixed(2)};desc="${timer.queries} queries", app;dur=${app.toFixed(2)}`,
        );
      }
      return writeHead.apply(this, args);
    } as typeof writeHead;
    runWithRequestContext({ requestId }, () => {
      res.on("finish", () => {
        const line = {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: round(performance.now() - started),
          dbMs: round(timer.ms),
          dbQueries: timer.queries,
        };
        if (req.path.startsWith("/build/")) log.debug(line, "request");
        else log.info(line, "request");
      });
      runWithQueryTimer(timer, next);
    });
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
