import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createPoll, listPolls } from "../../core/polls";
import {
  classRequest,
  idempotencyKey,
  liveClassDeps,
  requireMethod,
} from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

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
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const poll = await createPoll(
    liveClassDeps(context),
    actor,
    sessionId,
    await readJson(request),
    idempotencyKey(request),
  );
  return Response.json({ poll }, { status: 201 });
});
