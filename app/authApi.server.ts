import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

/**
 * Call a better-auth endpoint on behalf of a page's action, through its full
 * HTTP pipeline (rate limits, origin checks, cookies), as if the browser had.
 */
export async function callAuth(
  context: AppLoadContext,
  request: Request,
  path: string,
  body: Record<string, unknown>,
): Promise<Response> {
  const origin = new URL(context.config.APP_URL).origin;
  const headers = new Headers({
    "content-type": "application/json",
    origin,
    [INTERNAL_HEADER]: internalToken(context.config.AUTH_SECRET),
  });
  for (const name of ["cookie", "user-agent", CLIENT_IP_HEADER]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  return context.auth.handler(
    new Request(`${origin}/api/auth${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    }),
  );
}

/** The header the web server sets from the socket (overwriting any client value): rate limits key on it. */
export const CLIENT_IP_HEADER = "x-lectern-client-ip";

/** Marks requests made by our own server code (sign-up goes only through our page). */
export const INTERNAL_HEADER = "x-lectern-internal";

export function internalToken(secret: string): string {
  return createHmac("sha256", secret).update("lectern-internal-auth-call").digest("hex");
}

export function isInternal(request: Request | undefined, secret: string): boolean {
  const given = Buffer.from(request?.headers.get(INTERNAL_HEADER) ?? "");
  const expected = Buffer.from(internalToken(secret));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The cookies a better-auth response set, to pass on with a redirect. */
export function forwardCookies(response: Response, headers = new Headers()): Headers {
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

export const TOO_MANY_ATTEMPTS = "Too many attempts. Wait a minute, then try again.";

/**
 * A person-readable message for a failed better-auth call: rate limits get one
 * wording everywhere, known error codes theirs, anything else `fallback`.
 */
export async function authFailure(
  response: Response,
  byCode: Record<string, string>,
  fallback: string,
): Promise<string> {
  if (response.status === 429) return TOO_MANY_ATTEMPTS;
  const body = (await response.json().catch(() => ({}))) as { code?: string };
  return (body.code && byCode[body.code]) || fallback;
}
