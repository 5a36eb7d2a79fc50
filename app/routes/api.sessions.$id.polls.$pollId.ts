import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { changePoll } from "../../core/polls";
import { classRequest, liveClassDeps, requireMethod } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/** POST `{action: "open"}` | `{action: "close", shareResults?}` | `{action: "share"}` (teachers). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const pollId = z.uuid().parse(params.pollId);
  const poll = await changePoll(
    liveClassDeps(context),
    actor,
    sessionId,
    pollId,
    await readJson(request),
  );
  return Response.json({ poll });
});
