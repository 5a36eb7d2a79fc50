import type { LoaderFunctionArgs } from "@remix-run/node";
import { chatHistory, postMessage } from "../../core/interaction/chat";
import { createInClass } from "~/services/classCommands.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: the class's chat as you may see it, and its rules (closed to students, who is muted). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json(await chatHistory(liveClassDeps(context), actor, sessionId), {
    headers: { "cache-control": "no-store" },
  });
});

/** POST `{body, audience?}` with an Idempotency-Key: a chat message (a retry posts nothing new). */
export const action = createInClass("message", postMessage);
