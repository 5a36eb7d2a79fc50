import type { LoaderFunctionArgs } from "@remix-run/node";
import { currentCard, showCard } from "../../core/interaction/ctas";
import { createInClass } from "~/services/classCommands.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: the call-to-action card on screen now (or null). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json(
    { card: await currentCard(liveClassDeps(context), actor, sessionId) },
    { headers: { "cache-control": "no-store" } },
  );
});

/** POST `{title, body?, url}` with an Idempotency-Key (teachers): show a card to the class. */
export const action = createInClass("card", showCard);
