import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { deleteMessage } from "../../core/interaction/chat";
import type { Accepts } from "~/requestGuard.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

export const accepts: Accepts = { methods: ["DELETE"] };

/** DELETE: remove a message for everyone (hosts and co-teachers). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const messageId = z.uuid().parse(params.messageId);
  await deleteMessage(liveClassDeps(context), actor, sessionId, messageId);
  return new Response(null, { status: 204 });
});
