import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";

/*
 * Express to Fetch and back, as @remix-run/express does it, with one change:
 * a body the request guard has already read is handed on as those bytes.
 * (@remix-run/express keeps these two helpers private.)
 */

/** The Fetch request for Remix: `body` if given, else the Express request's stream. */
export function toFetchRequest(
  req: ExpressRequest,
  res: ExpressResponse,
  body?: Uint8Array<ArrayBuffer>,
): Request {
  // req.hostname honours "trust proxy" but has no port: take it from the host header.
  const portOf = (host?: string) => /:(\d+)$/.exec(host ?? "")?.[1];
  const port = portOf(req.get("x-forwarded-host")) ?? portOf(req.get("host"));
  const url = new URL(
    `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`,
  );
  const controller = new AbortController();
  // Abort loaders and actions once the answer can no longer be written (closed before finishing).
  let finished = false;
  res.on("finish", () => (finished = true));
  res.on("close", () => finished || controller.abort());
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    for (const value of Array.isArray(values) ? values : values ? [values] : []) {
      headers.append(key, value);
    }
  }
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    signal: controller.signal,
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = body ?? createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

/** Write Remix's answer to Express (server-sent events are flushed as they come). */
export async function sendFetchResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
