import { z } from "zod";

/**
 * The event catalog: every type the log accepts, its current version and the
 * zod schema of its payload. The log stores `(type, version, payload)`; a
 * payload is checked against this catalog before it is written.
 */

const id = z.uuid();
const userId = z.uuid();
const sessionRole = z.enum(["host", "co_teacher", "student", "observer"]);
const grant = z.enum(["can_draw", "can_present", "can_publish"]);
const isoTime = z.iso.datetime({ offset: true });
const shortText = (max: number) => z.string().trim().min(1).max(max);

const sessionSchedule = z.object({
  title: shortText(200),
  lessonId: id.nullable().optional(),
  startsAt: isoTime,
  endsAt: isoTime,
  timeZone: shortText(64),
});

const catalog = {
  "session.scheduled": { version: 1, payload: sessionSchedule },
  "session.updated": { version: 1, payload: sessionSchedule.partial() },
  "session.cancelled": {
    version: 1,
    payload: z.object({ reason: z.string().max(500).optional() }),
  },
  "session.started": {
    version: 1,
    payload: z.object({ livekitRoom: z.string().max(200).nullable() }),
  },
  "session.ended": {
    version: 1,
    payload: z.object({ reason: z.enum(["host_ended", "room_finished", "reconciled"]) }),
  },

  "participant.joined": {
    version: 1,
    payload: z.object({ userId, role: sessionRole, displayName: shortText(200) }),
  },
  "participant.left": {
    version: 1,
    payload: z.object({ userId, reason: z.enum(["left", "disconnected", "removed"]).optional() }),
  },
  "participant.role_changed": {
    version: 1,
    payload: z.object({ userId, from: sessionRole, to: sessionRole }),
  },
  "participant.grant_changed": {
    version: 1,
    payload: z.object({ userId, grant, granted: z.boolean() }),
  },

  "scene.created": {
    version: 1,
    payload: z.object({
      sceneId: id,
      name: shortText(100),
      layout: shortText(40),
      position: z.int().min(0),
    }),
  },
  "scene.updated": {
    version: 1,
    payload: z.object({
      sceneId: id,
      name: shortText(100).optional(),
      layout: shortText(40).optional(),
      position: z.int().min(0).optional(),
    }),
  },
  "scene.deleted": { version: 1, payload: z.object({ sceneId: id }) },
  "scene.changed": { version: 1, payload: z.object({ sceneId: id }) },

  "slides.deck_added": {
    version: 1,
    payload: z.object({ deckId: id, name: shortText(300), pages: z.int().min(1).max(2_000) }),
  },
  "slide.changed": { version: 1, payload: z.object({ deckId: id, page: z.int().min(1) }) },
  "whiteboard.updated": {
    version: 1,
    payload: z.object({ boardId: shortText(100), bytes: z.int().min(0) }),
  },

  "chat.posted": {
    version: 1,
    payload: z.object({
      messageId: id,
      body: shortText(2_000),
      audience: z.enum(["everyone", "teachers"]),
    }),
  },
  "chat.deleted": { version: 1, payload: z.object({ messageId: id }) },
  /** A moderator stops (or lets again) one person posting in chat. */
  "chat.muted": { version: 1, payload: z.object({ userId, muted: z.boolean() }) },
  /** The host closes chat to students (teachers may still post), or opens it again. */
  "chat.locked": { version: 1, payload: z.object({ locked: z.boolean() }) },

  "question.asked": {
    version: 1,
    payload: z.object({ questionId: id, body: shortText(1_000), anonymous: z.boolean() }),
  },
  "question.upvoted": { version: 1, payload: z.object({ questionId: id }) },
  "question.answered": {
    version: 1,
    payload: z.object({ questionId: id, answer: z.string().trim().max(4_000).nullable() }),
  },
  "question.dismissed": { version: 1, payload: z.object({ questionId: id }) },
  /** Pinned questions stay at the top of everyone's list. */
  "question.pinned": { version: 1, payload: z.object({ questionId: id, pinned: z.boolean() }) },

  "poll.created": {
    version: 1,
    payload: z.object({
      pollId: id,
      prompt: shortText(500),
      kind: z.enum(["single", "multiple"]),
      anonymous: z.boolean(),
      quiz: z.boolean(),
      /** Whether a voter may change their answer while the poll is open. */
      allowChange: z.boolean().default(false),
      options: z
        .array(z.object({ optionId: id, label: shortText(200), isCorrect: z.boolean().optional() }))
        .min(2)
        .max(20),
    }),
  },
  "poll.opened": { version: 1, payload: z.object({ pollId: id }) },
  "poll.voted": {
    version: 1,
    payload: z.object({ pollId: id, optionIds: z.array(id).min(1).max(20) }),
  },
  "poll.closed": { version: 1, payload: z.object({ pollId: id, resultsShared: z.boolean() }) },
  /** Students see the results (and, in a quiz, the right answers) from now on. */
  "poll.results_shared": { version: 1, payload: z.object({ pollId: id }) },

  "hand.raised": { version: 1, payload: z.object({ userId }) },
  "hand.lowered": { version: 1, payload: z.object({ userId, by: userId.optional() }) },

  "cta.shown": {
    version: 1,
    payload: z.object({
      ctaId: id,
      title: shortText(200),
      body: z.string().max(1_000),
      url: z.url({ protocol: /^https?$/ }),
    }),
  },
  "cta.hidden": { version: 1, payload: z.object({ ctaId: id }) },

  "recording.started": {
    version: 1,
    payload: z.object({ recordingId: id, source: z.enum(["livekit_egress", "browser"]) }),
  },
  "recording.stopped": { version: 1, payload: z.object({ recordingId: id }) },
  "recording.available": {
    version: 1,
    payload: z.object({ recordingId: id, durationMs: z.int().min(0).nullable() }),
  },

  /** Facts reported by LiveKit webhooks, kept verbatim enough to audit drift. */
  "livekit.webhook": {
    version: 1,
    payload: z.object({
      webhookId: shortText(200),
      event: shortText(100),
      room: z.string().max(200).optional(),
      participantIdentity: z.string().max(200).optional(),
      egressId: z.string().max(200).optional(),
    }),
  },
} as const satisfies Record<string, { version: number; payload: z.ZodType }>;

export type EventType = keyof typeof catalog;
export const eventTypes = Object.keys(catalog) as EventType[];

export type EventPayload<T extends EventType> = z.infer<(typeof catalog)[T]["payload"]>;

/** An event as a writer hands it in, checked against the catalog before it is appended. */
export type SessionEventInput = {
  [T in EventType]: {
    type: T;
    payload: EventPayload<T>;
    actorUserId?: string | null;
    yjsUpdate?: Uint8Array | null;
  };
}[EventType];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(catalog, type);
}

export function eventVersion(type: EventType): number {
  return catalog[type].version;
}

export function eventPayloadSchema<T extends EventType>(type: T): (typeof catalog)[T]["payload"] {
  return catalog[type].payload;
}
