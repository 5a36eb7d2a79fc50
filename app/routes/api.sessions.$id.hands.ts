import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { changeHand, raisedHands } from "../../core/hands";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/** GET: the raised hands, first raised first. */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json({ hands: await raisedHands(liveClassDeps(context), actor, sessionId) });
});

/**
 * POST `{action: "raise"}` | `{action: "lower", userId?}` | `{action: "lower_all"}`:
 * students raise and lower their own hand; teachers lower anyone's. Answers the queue.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const hands = await changeHand(liveClassDeps(context), actor, sessionId, await readJson(request));
  return Response.json({ hands });
});
