import type { ActionFunctionArgs } from "@remix-run/node";
import { classWithPlace, inClass } from "../../core/classes/classPlace";
import { AppError } from "../../core/platform/errors";
import { assertCan } from "../../core/identity/permissions";
import { mintSyncToken } from "../../core/studio/syncToken";
import { withTenant } from "../../db/tenantContext";
import { classRequest } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/**
 * POST: a short-lived token for the class's live document on the sync server
 * (`/sync`, document `session:<id>`), carrying the person's role and grants in
 * the class. Only while the class is live; the page asks again to refresh it.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, user, sessionId } = await classRequest(request, context, params.id!);
  const { session, place } = await withTenant(context.db.db, actor.tenantId, (tx) =>
    classWithPlace(tx, actor, sessionId),
  );
  assertCan(inClass(actor, sessionId, place), "session:join", {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId,
  });
  if (session.status !== "live") {
    throw new AppError("conflict", "The class is not live, so there is nothing to sync yet.");
  }
  const { token, expiresAt } = await mintSyncToken(context.config.AUTH_SECRET, {
    sub: user.id,
    tid: actor.tenantId,
    sid: sessionId,
    role: place!.role,
    grants: place!.grants,
    name: user.name,
  });
  return Response.json(
    { token, expiresAt, path: "/sync", document: `session:${sessionId}` },
    { headers: { "cache-control": "no-store" } },
  );
});
