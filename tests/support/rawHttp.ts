import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method: string;
  /** Sent as it is: no normalizing, no percent-encoding (fetch would do both). */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send the body chunked, without a content-length. */
  chunked?: boolean;
  /** Give up (and fail) after this long; an event stream never ends on its own. */
  timeoutMs?: number;
}

/**
 * One request exactly as written, over node:http (fetch refuses TRACE, and
 * always sends a content type with a string body).
 */
export function rawRequest(base: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const body = typeof request.body === "string" ? Buffer.from(request.body) : request.body;
  const headers: Record<string, string> = { ...request.headers };
  // Node frames DELETE and OPTIONS bodies only when told to.
  if (body && request.chunked) headers["transfer-encoding"] = "chunked";
  else if (body) headers["content-length"] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      { hostname, port, method: request.method, path: request.path, headers, agent: false },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (chunk: Buffer) => parts.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    // A server may answer (413, 415) before the whole body is sent, then close.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    req.setTimeout(request.timeoutMs ?? 10_000, () => {
      req.destroy();
      reject(new Error(`no answer within ${request.timeoutMs ?? 10_000} ms`));
    });
    if (body && request.chunked) {
      for (let at = 0; at < body.byteLength; at += 16_384)
        req.write(body.subarray(at, at + 16_384));
    } else if (body) {
      req.write(body);
    }
    req.end();
  });
}

/** Cookies of a signed-in demo person, for raw requests. */
export async function signInCookie(base: string, email: string, password: string) {
  const response = await rawRequest(base, {
    method: "POST",
    path: "/sign-in",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, redirectTo: "/" }).toString(),
  });
  if (response.status !== 302) throw new Error(`sign-in failed for ${email}: ${response.status}`);
  return (response.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
}
