import type { ActionFunctionArgs } from "@remix-run/node";
import { moderateChat } from "../../core/interaction/chat";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/**
 * POST `{action: "mute", userId, muted}` (hosts and co-teachers) or
 * `{action: "lock", locked}` (the host): the chat's rules after the change.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const rules = await moderateChat(
    liveClassDeps(context),
    actor,
    sessionId,
    await readJson(request),
  );
  return Response.json({ rules });
});
