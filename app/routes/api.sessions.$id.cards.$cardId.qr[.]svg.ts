import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { cardQrSvg } from "../../core/interaction/ctas";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: the card's link as a QR code (SVG, drawn on the server). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const svg = await cardQrSvg(
    liveClassDeps(context),
    actor,
    sessionId,
    z.uuid().parse(params.cardId),
  );
  return new Response(svg, {
    headers: { "content-type": "image/svg+xml", "cache-control": "private, max-age=3600" },
  });
});
