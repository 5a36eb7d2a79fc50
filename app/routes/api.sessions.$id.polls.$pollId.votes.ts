import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { vote } from "../../core/polls";
import {
  classRequest,
  idempotencyKey,
  liveClassDeps,
  requireMethod,
} from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/** POST `{optionIds}` with an Idempotency-Key (students): vote once; 409 if you already have. */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "POST");
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const pollId = z.uuid().parse(params.pollId);
  const poll = await vote(
    liveClassDeps(context),
    actor,
    sessionId,
    pollId,
    await readJson(request),
    idempotencyKey(request),
  );
  return Response.json({ poll }, { status: 201 });
});
