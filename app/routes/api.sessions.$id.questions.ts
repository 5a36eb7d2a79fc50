import type { LoaderFunctionArgs } from "@remix-run/node";
import { askQuestion, listQuestions, questionSortSchema } from "../../core/interaction/questions";
import { createInClass } from "~/services/classCommands.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

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
export const action = createInClass("question", askQuestion);
