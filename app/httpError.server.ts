import type { Request, Response } from "express";
import { AppError, codeForStatus, errorBody, toAppError } from "../core/platform/errors";

/**
 * An error raised below Remix as an AppError: ours as they are, a failed
 * percent-decoding as a 400, and the 4xx errors Express and its middleware
 * raise (http-errors style, `status` + `expose`) with their own status;
 * anything else is a 500.
 */
export function httpErrorOf(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof URIError) {
    return new AppError("bad_request", "The address is not valid.", undefined, { cause: err });
  }
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status;
  const expose = (err as { expose?: unknown } | null)?.expose;
  if (typeof status === "number" && status >= 400 && status < 500 && expose === true) {
    return new AppError(codeForStatus(status), "That request could not be handled.", undefined, {
      cause: err,
    });
  }
  return toAppError(err);
}

/**
 * Answer an error outside Remix: the typed JSON body (with the error's headers,
 * e.g. `Allow`) to API clients, a small page to browsers on pages. Never a stack.
 */
export function sendError(req: Request, res: Response, error: AppError): void {
  const body = errorBody(error, String(res.locals.requestId ?? ""));
  res.status(error.status).set(error.headers);
  const api = req.path.startsWith("/api/");
  if (!api && req.accepts(["json", "html"]) === "html") {
    res
      .type("html")
      .send(
        `<!doctype html><title>Lectern</title><h1>${error.status === 404 ? "Not found" : "Something went wrong"}</h1><p>${error.status >= 500 ? "Please try again in a moment." : "That request could not be handled."}</p><p>Reference: ${body.error.requestId ?? ""}</p>`,
      );
  } else {
    res.json(body);
  }
}
