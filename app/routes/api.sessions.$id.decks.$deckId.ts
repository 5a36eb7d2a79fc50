import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { openDeck } from "../../core/studio/slides";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: a deck's PDF, for people in the class (pdf.js renders it in the page). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const deckId = z.uuid().parse(params.deckId);
  const { body, size } = await openDeck(liveClassDeps(context), actor, sessionId, deckId);
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/pdf",
      "content-length": String(size),
      // A deck never changes once added.
      "cache-control": "private, max-age=86400, immutable",
      "x-content-type-options": "nosniff",
    },
  });
});
