import { viewerOf, type Viewer } from "../core/log/classAudience";
import { classWithPlace, inClass } from "../core/classes/classPlace";
import { can, type Actor } from "../core/identity/permissions";
import type { SyncClaims } from "../core/studio/syncToken";
import type { Database } from "../db/client";
import { withTenant } from "../db/tenantContext";

/** What a connection may change in the live document. */
export interface Powers {
  draw: boolean;
  navigate: boolean;
  changeScene: boolean;
}

export interface Access {
  claims: SyncClaims;
  powers: Powers;
  viewer: Viewer;
}

export class NotAdmittedError extends Error {}

/**
 * A token's holder as the class sees them now: still a live class, still a
 * place in it, and the powers that place gives. Asked on connect, on every
 * token refresh and when the log says their role or grants changed, so a
 * token minutes old never outlives what it stood for.
 */
export async function admit(db: Database, claims: SyncClaims): Promise<Access> {
  const actor: Actor = { userId: claims.sub, tenantId: claims.tid, tenantRole: "student" };
  const { session, place } = await withTenant(db, claims.tid, (tx) =>
    classWithPlace(tx, actor, claims.sid),
  );
  if (session.status !== "live" || !place) {
    throw new NotAdmittedError("not a participant of a live class");
  }
  const here = { tenantId: claims.tid, kind: "session" as const, sessionId: claims.sid };
  const me = inClass(actor, claims.sid, place);
  return {
    claims: { ...claims, role: place.role, grants: place.grants },
    powers: {
      draw: can(me, "board:draw", here),
      navigate: can(me, "slides:navigate", here),
      changeScene: can(me, "scene:change", here),
    },
    viewer: viewerOf(me, claims.sid),
  };
}

/** Hocuspocus itself refuses (never applies) updates from read-only connections. */
export const readOnly = (powers: Powers) => !powers.draw && !powers.navigate && !powers.changeScene;
