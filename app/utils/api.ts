// Not a .server module on purpose: see app/utils/page.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { AppError, codeForStatus, errorResponse, toAppError } from "../../core/errors";

type Args = LoaderFunctionArgs | ActionFunctionArgs;

/**
 * Wrap a resource route so every failure becomes a typed JSON error
 * (`{ error: { code, message, requestId } }`) and unexpected ones are logged.
 */
export function apiRoute<A extends Args>(handler: (args: A) => Promise<Response> | Response) {
  return async (args: A): Promise<Response> => {
    try {
      return await handler(args);
    } catch (thrown) {
      if (thrown instanceof Response) return asJsonError(thrown, args.context.requestId);
      const error = toAppError(thrown);
      if (error.status >= 500) args.context.log.error({ err: thrown }, "resource route failed");
      return errorResponse(error, args.context.requestId);
    }
  };
}

/** Redirects pass; a plain-text error response (e.g. from requireMember) becomes typed JSON. */
async function asJsonError(response: Response, requestId: string): Promise<Response> {
  if (response.status < 400 || response.headers.get("content-type")?.includes("json")) {
    return response;
  }
  const error = new AppError(codeForStatus(response.status), await response.text());
  return errorResponse(error, requestId);
}

/** The request's JSON body; anything else is a typed 400, not a crash. */
export async function readJson(request: Request): Promise<unknown> {
  return request.json().catch(() => {
    throw new AppError("bad_request", "The body must be JSON.");
  });
}

/** Read the body, but stop (413) as soon as it passes `limit`: never buffer an oversized upload. */
export async function readLimited(
  request: Request,
  limit: number,
  what: string,
  code: string,
): Promise<Uint8Array> {
  const size = limit >= 1_048_576 ? `${Math.floor(limit / 1_048_576)} MB` : `${limit} bytes`;
  const tooLarge = () => new AppError("too_large", `${what} may be at most ${size}.`, { code });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let read = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    if (read > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}
