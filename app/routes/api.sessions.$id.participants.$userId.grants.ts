import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { changeGrant, grantChangeSchema } from "../../core/classes/participantGrants";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/** POST `{grant, granted}`: let a participant draw, present or publish, or take it back. */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const userId = z.uuid().parse(params.userId);
  const change = grantChangeSchema.parse(await readJson(request));
  const result = await changeGrant(liveClassDeps(context), actor, sessionId, userId, change);
  return Response.json(result);
});
