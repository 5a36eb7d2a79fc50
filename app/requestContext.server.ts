import type { RequestHandler } from "express";
import type { Logger } from "../core/logger";
import { requestIdFrom, runWithRequestContext } from "../core/requestContext";

/**
 * Give every request an id (a proxy's `x-request-id` when sane), echo it on the
 * response, and run the rest of the request inside it so every log line carries it.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.get("x-request-id"));
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    runWithRequestContext({ requestId }, () => {
      res.on("finish", () => {
        const line = {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        };
        if (req.path.startsWith("/build/")) log.debug(line, "request");
        else log.info(line, "request");
      });
      next();
    });
  };
}
