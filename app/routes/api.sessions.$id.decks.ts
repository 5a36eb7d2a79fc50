import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { addDeck, deckLimits, listDecks } from "../../core/studio/slides";
import type { Accepts } from "~/requestGuard.server";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute, readLimited } from "~/utils/api";

const nameSchema = z.string().max(300).default("Slides");

/** GET: the class's slide decks. */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json({ decks: await listDecks(liveClassDeps(context), actor, sessionId) });
});

/** The PDF comes as bytes of any declared type: the route looks at what it is. */
export const accepts: Accepts = { body: "raw" };

/**
 * POST the PDF's bytes (name in `?name=`): a new deck for the class. Not a PDF:
 * 415; unreadable or too many pages: 422; too large: 413, before it is stored.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const name = nameSchema.parse(new URL(request.url).searchParams.get("name") ?? undefined);
  const bytes = await readLimited(request, deckLimits.maxBytes, "A deck", "deck_too_large");
  const deck = await addDeck(liveClassDeps(context), actor, sessionId, { name, bytes });
  return Response.json({ deck }, { status: 201 });
});
