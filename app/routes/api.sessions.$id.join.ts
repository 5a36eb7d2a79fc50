import type { ActionFunctionArgs } from "@remix-run/node";
import { joinClass } from "../../core/classes/lifecycle";
import { classRequest, idempotencyKey, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/**
 * POST: join the class. `{ status: "waiting" }` before it starts; once live, the
 * person's place and (with LiveKit) a media token minted after `participant.joined`.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, user, sessionId } = await classRequest(request, context, params.id!);
  const result = await joinClass(
    liveClassDeps(context),
    actor,
    { name: user.name },
    sessionId,
    idempotencyKey(request),
  );
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
