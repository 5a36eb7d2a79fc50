import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { viewerOf } from "../../core/log/classAudience";
import { classWithPlace, inClass } from "../../core/classes/classPlace";
import { assertCan } from "../../core/identity/permissions";
import { withTenant } from "../../db/tenantContext";
import { classRequest } from "./liveClass.server";

export const afterSchema = z.coerce.number().int().min(0).default(0);

/** Someone allowed to follow a class's events: a person with a place in it. */
export async function classReader(request: Request, context: AppLoadContext, sessionId: string) {
  const { actor } = await classRequest(request, context, sessionId);
  const { session, place } = await withTenant(context.db.db, actor.tenantId, (tx) =>
    classWithPlace(tx, actor, sessionId),
  );
  const me = inClass(actor, session.id, place);
  assertCan(me, "session:join", {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId: session.id,
  });
  return { actor, session, viewer: viewerOf(me, session.id) };
}
