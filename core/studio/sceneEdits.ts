import { randomUUID } from "node:crypto";
import { announceEvents, appendEventsIn, eventsOfTypes } from "../../db/eventLog";
import { withTenant } from "../../db/tenantContext";
import { classWithPlace, inClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import type { LifecycleDeps } from "../classes/lifecycle";
import { assertCan, type Actor } from "../identity/permissions";
import {
  applySceneEvent,
  SCENE_NOT_FOUND,
  sceneEventsFor,
  scenesFrom,
  SCENE_EVENTS,
  type Scene,
  type SceneAction,
} from "./scenes";
import { validateEvent } from "../log/sessionEvents";

/**
 * Create, rename, reorder or delete a class's scenes (hosts and co-teachers).
 * The class is locked while the list is read and the change appended, so two
 * teachers editing at once both land, in order. Returns the new list.
 */
export async function editScenes(
  deps: Pick<LifecycleDeps, "db" | "pool">,
  actor: Actor,
  sessionId: string,
  action: SceneAction,
): Promise<Scene[]> {
  const { scenes, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const { session, place } = await classWithPlace(tx, actor, sessionId, { lock: true });
    assertCan(inClass(actor, sessionId, place), "scene:manage", {
      tenantId: actor.tenantId,
      kind: "session",
      sessionId,
    });
    if (session.status === "ended" || session.status === "cancelled") {
      throw new AppError("conflict", `This class is ${session.status}; its scenes are settled.`);
    }
    const before = scenesFrom(await eventsOfTypes(tx, sessionId, [...SCENE_EVENTS]));
    const changes = sceneEventsFor(before, action, randomUUID);
    if (typeof changes === "string") {
      throw new AppError(changes === SCENE_NOT_FOUND ? "not_found" : "invalid_input", changes);
    }
    if (changes.length === 0) return { scenes: before, events: [] };
    const events = await appendEventsIn(tx, {
      tenantId: actor.tenantId,
      sessionId,
      events: changes.map((change) => validateEvent({ ...change, actorUserId: actor.userId })),
    });
    return { scenes: changes.reduce(applySceneEvent, before), events };
  });
  announceEvents(deps.pool, events);
  return scenes;
}
