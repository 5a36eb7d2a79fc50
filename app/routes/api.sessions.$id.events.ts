import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventFor } from "../../core/log/classAudience";
import { toClassEvent } from "../../core/log/classEvents";
import { readEvents } from "../../db/eventLog";
import { afterSchema, classReader } from "~/services/classFeed.server";
import { apiRoute } from "~/utils/api";

/**
 * GET `?after=<sequence>`: the class's events after a sequence, in order (at
 * most 500; ask again from the last one). Clients that see a gap fill it here.
 */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, session, viewer } = await classReader(request, context, params.id!);
  const after = afterSchema.parse(new URL(request.url).searchParams.get("after") ?? undefined);
  const events = await readEvents(context.db.pool, {
    tenantId: actor.tenantId,
    sessionId: session.id,
    after,
    limit: 500,
  });
  return Response.json(
    {
      events: events.flatMap((e) => eventFor(viewer, toClassEvent(e)) ?? []),
      // Where to ask from next, even when the page's last events were not this viewer's.
      last: events.at(-1)?.sequence ?? after,
      head: session.lastEventSeq,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
