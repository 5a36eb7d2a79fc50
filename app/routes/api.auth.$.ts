import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Accepts } from "~/requestGuard.server";

/** better-auth reads (and checks) its own bodies. */
export const accepts: Accepts = { body: "any" };

/** better-auth's HTTP API (sign-in, sign-out, session, password reset, ...). */
export function loader({ request, context }: LoaderFunctionArgs) {
  return context.auth.handler(request);
}

export function action({ request, context }: ActionFunctionArgs) {
  return context.auth.handler(request);
}
