import type { ActionFunctionArgs } from "@remix-run/node";
import { leaveClass } from "../../core/classes/lifecycle";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** POST: leave the class (also sent by the page as it closes, with sendBeacon). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const state = await leaveClass(liveClassDeps(context), actor, sessionId);
  return Response.json({ class: state });
});
