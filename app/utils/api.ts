// Not a .server module on purpose: see app/utils/page.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  AppError,
  codeForStatus,
  errorResponse,
  logFailure,
  toAppError,
} from "../../core/platform/errors";

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
      logFailure(args.context.log, thrown, error, "resource route failed");
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

/** The largest JSON body an API route reads (the largest real one, a poll, is a few KB). */
export const JSON_LIMIT = 65_536;

/** How deeply a JSON body may nest; no command of ours comes close. */
export const JSON_DEPTH = 32;

/**
 * The request's JSON body: at most JSON_LIMIT bytes (413) and JSON_DEPTH
 * levels deep, else a typed 400, not a crash. The request guard has already
 * checked it once before any route code ran; this keeps every reader honest.
 */
export async function readJson(request: Request): Promise<unknown> {
  return parseJson(await readLimited(request, JSON_LIMIT, "The body", "body_too_large"));
}

/** Parse a JSON body, refusing one nested deeper than JSON_DEPTH before parsing it. */
export function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  if (depthOf(text) > JSON_DEPTH) {
    throw new AppError("bad_request", `The body may nest at most ${JSON_DEPTH} levels deep.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "The body must be JSON.");
  }
}

/** The deepest nesting of brackets outside strings (a scan: no recursion, no parse). */
function depthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      deepest = Math.max(deepest, (depth += 1));
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return deepest;
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
