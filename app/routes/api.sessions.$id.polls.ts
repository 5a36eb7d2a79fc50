import type { LoaderFunctionArgs } from "@remix-run/node";
import { createPoll, listPolls } from "../../core/interaction/polls";
import { createInClass } from "~/services/classCommands.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: the class's polls as you may see them (results when visible to you). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json(
    { polls: await listPolls(liveClassDeps(context), actor, sessionId) },
    { headers: { "cache-control": "no-store" } },
  );
});

/**
 * POST `{prompt, kind, anonymous, quiz, allowChange, options: [{label, isCorrect}], open?}`
 * with an Idempotency-Key (teachers): a draft poll, or an open one.
 */
export const action = createInClass("poll", createPoll);
