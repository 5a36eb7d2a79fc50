import type { ActionFunctionArgs } from "@remix-run/node";
import { endClass } from "../../core/classes/lifecycle";
import { classRequest, idempotencyKey, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** POST: end the class for everyone (host only). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const state = await endClass(liveClassDeps(context), actor, sessionId, idempotencyKey(request));
  return Response.json({ class: state });
});
