import type { AppLoadContext } from "@remix-run/node";
import { classWithPlace, inClass, schoolOfClass } from "../../core/classes/classPlace";
import { AppError } from "../../core/platform/errors";
import { can, type Actor } from "../../core/identity/permissions";
import { activeRecordings, listParticipants } from "../../db/liveClass";
import { eventsOfTypes } from "../../db/eventLog";
import { withTenant } from "../../db/tenantContext";
import { SCENE_EVENTS, scenesFrom } from "../../core/studio/scenes";
import type { Deck } from "../../core/studio/slides";
import { schoolsOf, type SignedInUser } from "~/session.server";

/** What the classroom page needs to render before it joins (no side effects: joining is a POST). */
export async function classPage(context: AppLoadContext, user: SignedInUser, sessionId: string) {
  const schools = await schoolsOf(context, user.id);
  const { school } = await schoolOfClass(context.db.db, schools, sessionId);
  const actor: Actor = { userId: user.id, tenantId: school.id, tenantRole: school.role };
  return withTenant(context.db.db, school.id, async (tx) => {
    const { session, place } = await classWithPlace(tx, actor, sessionId);
    if (!place) {
      throw new AppError(
        "forbidden",
        "You're not on the list for this class. Ask its teacher to enrol you.",
      );
    }
    const me = inClass(actor, session.id, place);
    const resource = { tenantId: school.id, kind: "session" as const, sessionId: session.id };
    const everyone = await listParticipants(tx, session.id);
    const [recording] = await activeRecordings(tx, session.id);
    const decks = await eventsOfTypes(tx, session.id, ["slides.deck_added"]);
    const sceneEvents = await eventsOfTypes(tx, session.id, [...SCENE_EVENTS]);
    const seeObservers = can(me, "session:end", resource) || can(me, "session:start", resource);
    return {
      class: {
        id: session.id,
        title: session.title,
        status: session.status,
        startsAt: session.startsAt.toISOString(),
        endsAt: session.endsAt.toISOString(),
        lastSequence: session.lastEventSeq,
      },
      school: { name: school.name, slug: school.slug },
      backTo: `/s/${school.slug}/agenda`,
      you: { userId: user.id, name: user.name, role: place.role },
      decks: decks.map((e) => e.payload as Deck),
      scenes: scenesFrom(sceneEvents),
      can: {
        start: can(me, "session:start", resource),
        end: can(me, "session:end", resource),
        record: can(me, "recording:start", resource),
        publish: can(me, "media:publish", resource),
        present: can(me, "slides:navigate", resource),
        draw: can(me, "board:draw", resource),
        changeScene: can(me, "scene:change", resource),
        // Clearing the whole board is the host's call.
        clearBoard: place.role === "host",
        manageScenes: can(me, "scene:manage", resource),
        chat: can(me, "chat:post", resource),
        moderateChat: can(me, "chat:moderate", resource),
        lockChat: can(me, "chat:lock", resource),
        raiseHand: can(me, "hand:raise", resource),
        lowerHands: can(me, "hand:lower_any", resource),
        askQuestion: can(me, "question:ask", resource),
        upvoteQuestion: can(me, "question:upvote", resource),
        moderateQuestions: can(me, "question:moderate", resource),
        managePolls: can(me, "poll:manage", resource),
        vote: can(me, "poll:vote", resource),
        manageCards: can(me, "cta:manage", resource),
        seeObservers,
      },
      people: everyone
        .filter((p) => p.joinedAt && !p.leftAt)
        .map((p) => ({ userId: p.userId, name: p.name, role: p.role })),
      mediaConfigured: context.media !== null,
      recording: recording
        ? { id: recording.id, source: recording.source, status: recording.status }
        : null,
    };
  });
}
