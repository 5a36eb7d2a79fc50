import { z } from "zod";
import { findParticipant, setParticipantGrants } from "../../db/liveClass";
import { announceEvents, appendEventsIn } from "../../db/eventLog";
import { withTenant } from "../../db/tenantContext";
import { classWithPlace, inClass, inThisClass } from "./classPlace";
import { AppError } from "../platform/errors";
import type { LifecycleDeps } from "./lifecycle";
import { assertCan, grantSchema, type Actor, type Grant } from "../identity/permissions";
import { validateEvent } from "../log/sessionEvents";

export const grantChangeSchema = z.object({ grant: grantSchema, granted: z.boolean() });
export type GrantChange = z.infer<typeof grantChangeSchema>;

/**
 * Give or take back a power in a live class (draw on the board, present, be
 * on camera) from one participant. Hosts may change any grant; co-teachers may
 * let students draw or present (core/permissions.ts). The change and its
 * `participant.grant_changed` event commit together; repeating it changes
 * nothing. The sync server hears the event and applies it to open connections.
 */
export async function changeGrant(
  deps: Pick<LifecycleDeps, "db" | "pool">,
  actor: Actor,
  sessionId: string,
  userId: string,
  change: GrantChange,
): Promise<{ userId: string; grants: Grant[] }> {
  const { grants, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const { session, place } = await classWithPlace(tx, actor, sessionId, { lock: true });
    // Grants are kept on the participant row: someone enrolled who never joined has none yet.
    const target = inThisClass(await findParticipant(tx, sessionId, userId), "person");
    assertCan(inClass(actor, sessionId, place), "participant:grant", {
      tenantId: actor.tenantId,
      kind: "participant",
      sessionId,
      userId,
      role: target.role,
      grant: change.grant,
    });
    if (session.status !== "live" && session.status !== "scheduled") {
      throw new AppError("conflict", `This class is ${session.status}; its grants are settled.`);
    }
    const has = target.grants.includes(change.grant);
    if (has === change.granted) return { grants: target.grants, events: [] };
    const grants = change.granted
      ? [...target.grants, change.grant]
      : target.grants.filter((g) => g !== change.grant);
    await setParticipantGrants(tx, target.id, grants);
    const events = await appendEventsIn(tx, {
      tenantId: actor.tenantId,
      sessionId,
      events: [
        validateEvent({
          type: "participant.grant_changed",
          payload: { userId, ...change },
          actorUserId: actor.userId,
        }),
      ],
    });
    return { grants, events };
  });
  announceEvents(deps.pool, events);
  return { userId, grants };
}
