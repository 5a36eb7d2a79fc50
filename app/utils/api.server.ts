import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { errorBody, toAppError } from "../../core/errors";

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
      if (thrown instanceof Response) return thrown;
      const error = toAppError(thrown);
      if (error.status >= 500) args.context.log.error({ err: thrown }, "resource route failed");
      return Response.json(errorBody(error, args.context.requestId), { status: error.status });
    }
  };
}
