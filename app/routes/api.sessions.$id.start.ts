import type { ActionFunctionArgs } from "@remix-run/node";
import { startClass } from "../../core/classes/lifecycle";
import { classRequest, idempotencyKey, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** POST: start the class (host or co-teacher). Idempotent: a live class stays as it is. */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const state = await startClass(liveClassDeps(context), actor, sessionId, idempotencyKey(request));
  return Response.json({ class: state });
});
