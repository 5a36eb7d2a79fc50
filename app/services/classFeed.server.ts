import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { inClass, placeOf } from "../../core/classPlace";
import { assertCan } from "../../core/permissions";
import { withTenant } from "../../db/tenantContext";
import { classRequest } from "./liveClass.server";

export const afterSchema = z.coerce.number().int().min(0).default(0);

/** Someone allowed to follow a class's events: a person with a place in it. */
export async function classReader(request: Request, context: AppLoadContext, sessionId: string) {
  const found = await classRequest(request, context, sessionId);
  const { actor, session } = found;
  const place = await withTenant(context.db.db, actor.tenantId, (tx) =>
    placeOf(tx, actor, session),
  );
  assertCan(inClass(actor, session.id, place), "session:join", {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId: session.id,
  });
  return found;
}
