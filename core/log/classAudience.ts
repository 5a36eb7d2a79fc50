import type { ClassEvent } from "./classEvents";
import { can, type Actor } from "../identity/permissions";

/**
 * Who in a class sees which of its events. The log holds everything; live
 * feeds (server-sent events, the sync server's pushes, gap fills) pass each
 * event through `eventFor` so that teachers-only chat, drafts and quiz answers,
 * other people's poll choices, anonymous askers and LiveKit's raw reports stay with those meant to
 * see them.
 */
export interface Viewer {
  userId: string;
  /** Host or co-teacher: moderates chat, Q&A and polls. */
  teaching: boolean;
}

export function viewerOf(actorInClass: Actor, sessionId: string): Viewer {
  const here = { tenantId: actorInClass.tenantId, kind: "session" as const, sessionId };
  return { userId: actorInClass.userId, teaching: can(actorInClass, "chat:moderate", here) };
}

/** The event as this viewer may see it, or null when it is not theirs to see. */
export function eventFor(viewer: Viewer, event: ClassEvent): ClassEvent | null {
  const own = event.actorUserId === viewer.userId;
  const payload = event.payload as Record<string, unknown> | null;
  switch (event.type) {
    case "livekit.webhook":
      return viewer.teaching ? event : null;
    case "chat.posted":
      return payload?.audience === "teachers" && !viewer.teaching && !own ? null : event;
    case "poll.created":
      // A draft, and a quiz's right answers, are the teachers' until shared.
      return viewer.teaching ? event : { ...event, payload: { pollId: payload?.pollId } };
    case "poll.voted":
      // Others learn that a vote came in (to refresh the tally), never who or what.
      return own ? event : { ...event, actorUserId: null, payload: { pollId: payload?.pollId } };
    case "question.asked":
      return payload?.anonymous === true && !own ? { ...event, actorUserId: null } : event;
    default:
      return event;
  }
}

/** Events that travel inside the live document itself (Yjs), not as pushed messages. */
export const DOCUMENT_EVENTS: ReadonlySet<string> = new Set([
  "whiteboard.updated",
  "slide.changed",
  "scene.changed",
]);
