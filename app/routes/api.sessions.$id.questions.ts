import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { askQuestion, listQuestions, questionSortSchema } from "../../core/questions";
import {
  classRequest,
  idempotencyKey,
  liveClassDeps,
  requireMethod,
} from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/** GET `?sort=top|recent`: the class's questions as you may see them. */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const sort = questionSortSchema.parse(new URL(request.url).searchParams.get("sort") ?? undefined);
  return Response.json(
    { questions: await listQuestions(liveClassDeps(context), actor, sessionId, sort) },
    { headers: { "cache-control": "no-store" } },
  );
});

/** POST `{body, anonymous?}` with an Idempotency-Key: ask a question (a retry asks nothing new). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const question = await askQuestion(
    liveClassDeps(context),
    actor,
    sessionId,
    await readJson(request),
    idempotencyKey(request),
  );
  return Response.json({ question }, { status: 201 });
});
