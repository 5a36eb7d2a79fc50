import type { AppLoadContext } from "@remix-run/node";
import * as people from "../../core/identity/people";

/** Route-facing wrappers: the web app's pools and request id, around core/people.ts. */
export function joinTarget(
  context: AppLoadContext,
  query: { invitation?: string; school?: string },
) {
  return people.joinTarget(context.db.directory.db, query);
}

export function joinAfterSignUp(
  context: AppLoadContext,
  target: Exclude<people.JoinTarget, { kind: "closed" }>,
  user: { id: string; email: string },
  requestId: string,
) {
  return people.joinAfterSignUp(context.db.db, context.db.directory.db, target, user, requestId);
}

export function acceptInvitation(
  context: AppLoadContext,
  user: { id: string; email: string },
  invitationId: string,
) {
  return people.acceptInvitation(
    context.db.db,
    context.db.directory.db,
    user,
    invitationId,
    context.requestId,
  );
}
