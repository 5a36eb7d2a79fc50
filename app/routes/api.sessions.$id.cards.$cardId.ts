import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { hideCard } from "../../core/interaction/ctas";
import type { Accepts } from "~/requestGuard.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

export const accepts: Accepts = { methods: ["DELETE"] };

/** DELETE: take the card off everyone's screen (teachers). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  await hideCard(liveClassDeps(context), actor, sessionId, z.uuid().parse(params.cardId));
  return new Response(null, { status: 204 });
});
