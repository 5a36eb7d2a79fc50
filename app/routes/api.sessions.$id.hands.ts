import type { LoaderFunctionArgs } from "@remix-run/node";
import { changeHand, raisedHands } from "../../core/interaction/hands";
import { commandInClass } from "~/services/classCommands.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: the raised hands, first raised first. */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json({ hands: await raisedHands(liveClassDeps(context), actor, sessionId) });
});

/**
 * POST `{action: "raise"}` | `{action: "lower", userId?}` | `{action: "lower_all"}`:
 * students raise and lower their own hand; teachers lower anyone's in the class
 * (someone not in it: 404). Answers the queue.
 */
export const action = commandInClass("hands", changeHand);
