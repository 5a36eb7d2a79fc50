import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { actOnQuestion } from "../../core/questions";
import { classRequest, liveClassDeps, requireMethod } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/**
 * POST `{action: "upvote"}` (students, once) or, for teachers,
 * `{action: "answer", answer?}` | `{action: "dismiss"}` | `{action: "pin", pinned}`.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const questionId = z.uuid().parse(params.questionId);
  const question = await actOnQuestion(
    liveClassDeps(context),
    actor,
    sessionId,
    questionId,
    await readJson(request),
  );
  return Response.json({ question });
});
