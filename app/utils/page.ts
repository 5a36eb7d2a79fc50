// Not a .server module on purpose: route modules call this at the top level
// (`export const loader = page(...)`), so the browser bundle must be able to load it.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { toAppError } from "../../core/platform/errors";

type Args = LoaderFunctionArgs | ActionFunctionArgs;

/**
 * Wrap a page loader or action so expected failures (not found, forbidden, ...)
 * reach the error boundary with their status and a message fit for people,
 * as does the database being away (503, with Retry-After).
 * Unexpected errors stay errors: logged by handleError, shown as a friendly 500.
 */
export function page<A extends Args, R>(handler: (args: A) => Promise<R>) {
  return async (args: A): Promise<R> => {
    try {
      return await handler(args);
    } catch (thrown) {
      if (thrown instanceof Response) throw thrown;
      const error = toAppError(thrown);
      // An outage (503) is expected and passes, told as such; other 5xx stay errors.
      if (error.status >= 500 && error.code !== "unavailable") throw thrown;
      throw new Response(error.message, { status: error.status, headers: error.headers });
    }
  };
}
