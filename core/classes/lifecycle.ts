import type pg from "pg";
import type { SessionRow } from "../../db/classroom";
import type { Database } from "../../db/client";
import { announceEvents, appendEventsIn, type StoredEvent } from "../../db/eventLog";
import {
  activeRecordings,
  isPresent,
  joinLiveClass,
  markLeft,
  presentUserIds,
  requestArtifacts,
  setSessionState,
  updateRecording,
} from "../../db/liveClass";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { classNotFound, classWithPlace, inClass, type Place } from "./classPlace";
import { AppError } from "../platform/errors";
import type { EventPayload } from "../log/events";
import { claimWrite, requestHash } from "./idempotentWrite";
import type { Logger } from "../platform/logger";
import type { MediaService } from "./media";
import type { PipelineReason, PipelineTrigger } from "./pipelineTrigger";
import { assertCan, type Actor, type Grant, type SessionRole } from "../identity/permissions";
import { validateEvent } from "../log/sessionEvents";

/*
 * Start, join, leave and end a class (DESIGN.md sections 5, 7, 8). These steps
 * are synchronous and hard-fail: the class row is locked, the media server is
 * asked first, and the event is appended in the same transaction as the state
 * change. If the media server refuses, nothing is written; if writing fails
 * after the media server said yes, what it did is undone (a room created for a
 * start is deleted). Every step is idempotent by state: starting a live class,
 * joining while present or ending an ended class changes nothing.
 */

export interface LifecycleDeps {
  db: Database;
  pool: pg.Pool;
  /** Null when LiveKit is not configured: classes run without audio/video. */
  media: MediaService | null;
  log?: Logger;
  /** Queues the artifact pipeline in the same transaction; absent, the jobs role's sweep does. */
  pipeline?: PipelineTrigger | null;
}

export type { PipelineTrigger } from "./pipelineTrigger";

/** LiveKit room names carry the school, so webhooks find the class's tenant. */
export function roomName(tenantId: string, sessionId: string): string {
  return `lectern_${tenantId}_${sessionId}`;
}

export function parseRoomName(room: string): { tenantId: string; sessionId: string } | null {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  const match = new RegExp(`^lectern_(${uuid})_(${uuid})$`).exec(room);
  return match ? { tenantId: match[1]!, sessionId: match[2]! } : null;
}

export interface ClassState {
  id: string;
  title: string;
  status: SessionRow["status"];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  startedAt: Date | null;
  endedAt: Date | null;
  lastSequence: number;
}

export function classState(session: SessionRow): ClassState {
  const { id, title, status, startsAt, endsAt, timeZone, startedAt, endedAt } = session;
  return {
    id,
    title,
    status,
    startsAt,
    endsAt,
    timeZone,
    startedAt,
    endedAt,
    lastSequence: session.lastEventSeq,
  };
}

export type JoinResult =
  | { status: "waiting" | "ended" | "cancelled"; class: ClassState }
  | {
      status: "live";
      class: ClassState;
      you: { userId: string; role: SessionRole; grants: Grant[] };
      /** Null without LiveKit: the class runs without audio/video. */
      media: { url: string; token: string; expiresAt: Date } | null;
    };

/** Start a class (host or co-teacher): create its room, then `session.started`. */
export async function startClass(
  deps: LifecycleDeps,
  actor: Actor,
  sessionId: string,
  idempotencyKey?: string,
): Promise<ClassState> {
  let createdRoom = null as string | null;
  try {
    const { session, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
      await claimWrite(tx, actor, idempotencyKey, { start: sessionId }, { sessionId });
      const { session } = await lockedClass(tx, actor, sessionId, "session:start");
      if (session.status === "live") return { session, events: [] };
      if (session.status !== "scheduled") throw notAnymore(session);
      const room = deps.media ? roomName(actor.tenantId, sessionId) : null;
      if (room) {
        await mediaStep("create the class's audio/video room", () =>
          deps.media!.ensureRoom(room, roomTimeouts(session)),
        );
        createdRoom = room;
      }
      const started = await setSessionState(tx, sessionId, {
        status: "live",
        livekitRoom: room,
        startedAt: new Date(),
      });
      const events = await append(tx, actor, sessionId, [
        { type: "session.started", payload: { livekitRoom: room } },
      ]);
      return { session: { ...started, lastEventSeq: events.at(-1)!.sequence }, events };
    });
    announceEvents(deps.pool, events);
    return classState(session);
  } catch (error) {
    // No room without its event: undo what the media server did.
    if (createdRoom) {
      const room: string = createdRoom;
      await deps
        .media!.deleteRoom(room)
        .catch((cleanup: unknown) =>
          deps.log?.error({ err: cleanup, room }, "could not delete the room of a failed start"),
        );
    }
    throw error;
  }
}

/**
 * Join a class: not live yet → the waiting room; live → `participant.joined`
 * (once per stay) and, with LiveKit, a token minted after the event is durable.
 */
export async function joinClass(
  deps: LifecycleDeps,
  actor: Actor,
  person: { name: string },
  sessionId: string,
  idempotencyKey?: string,
): Promise<JoinResult> {
  const read = () =>
    withTenant(deps.db, actor.tenantId, (tx) =>
      classAndPlace(tx, actor, sessionId, "session:join"),
    );
  let { session, place } = await read();
  if (session.status === "live" && !isPresent(place.participant)) {
    // Everyone joins at the start of class: one statement marks the person
    // present and appends the event, so the class's lock is never held across
    // round trips to this process.
    const event = validateEvent({
      type: "participant.joined",
      actorUserId: actor.userId,
      payload: { userId: actor.userId, role: place.role, displayName: person.name },
    });
    const result = await joinLiveClass(deps.pool, {
      tenantId: actor.tenantId,
      sessionId,
      userId: actor.userId,
      role: place.role,
      version: event.version ?? 1,
      payload: event.payload,
      idempotency: idempotencyKey
        ? { key: idempotencyKey, hash: requestHash(actor, { join: sessionId }) }
        : null,
    });
    if (result.outcome === "key_conflict") {
      throw new AppError(
        "conflict",
        "This idempotency key was already used for a different request.",
      );
    }
    if (result.outcome === "not_found") throw classNotFound();
    if (result.outcome === "joined") session = { ...session, lastEventSeq: result.sequence };
    // It ended (or was joined from another tab) meanwhile: answer with how it is now.
    else ({ session, place } = await read());
  }
  const state = classState(session);
  if (session.status === "scheduled") return { status: "waiting", class: state };
  if (session.status !== "live") return { status: session.status, class: state };
  const you = { userId: actor.userId, role: place.role, grants: place.grants };
  if (!deps.media || !session.livekitRoom)
    return { status: "live", class: state, you, media: null };
  const { token, expiresAt } = await deps.media.tokenFor({
    room: session.livekitRoom,
    identity: actor.userId,
    name: person.name,
    role: place.role,
    grants: place.grants,
  });
  return { status: "live", class: state, you, media: { url: deps.media.url, token, expiresAt } };
}

/** Leave a class: `participant.left`, once. */
export async function leaveClass(
  deps: LifecycleDeps,
  actor: Actor,
  sessionId: string,
): Promise<ClassState> {
  const { session, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const { session, place } = await lockedClass(tx, actor, sessionId, "session:join");
    if (!isPresent(place.participant)) return { session, events: [] as StoredEvent[] };
    await markLeft(tx, sessionId, [actor.userId], new Date());
    const events = await append(tx, actor, sessionId, [
      { type: "participant.left", payload: { userId: actor.userId, reason: "left" } },
    ]);
    return { session: { ...session, lastEventSeq: events.at(-1)!.sequence }, events };
  });
  announceEvents(deps.pool, events);
  return classState(session);
}

/**
 * End a class (host): stop its recording egress, delete its room (which
 * disconnects everyone), then record who left, the stopped recordings and
 * `session.ended`, and ask for the artifact pipeline. If LiveKit refuses,
 * nothing is written and the class stays live.
 */
export async function endClass(
  deps: LifecycleDeps,
  actor: Actor,
  sessionId: string,
  idempotencyKey?: string,
): Promise<ClassState> {
  const { session, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await claimWrite(tx, actor, idempotencyKey, { end: sessionId }, { sessionId });
    const { session } = await lockedClass(tx, actor, sessionId, "session:end");
    if (session.status === "ended") return { session, events: [] as StoredEvent[] };
    if (session.status !== "live") throw notAnymore(session);
    const recordings = await activeRecordings(tx, sessionId);
    for (const recording of recordings) {
      if (recording.egressId && deps.media) {
        await mediaStep("stop the recording", () => deps.media!.stopRecording(recording.egressId!));
      }
    }
    if (deps.media && session.livekitRoom) {
      const room = session.livekitRoom;
      await mediaStep("close the audio/video room", () => deps.media!.deleteRoom(room));
    }
    return finishClass(tx, actor.tenantId, session, "host_ended", actor.userId, deps.pipeline);
  });
  announceEvents(deps.pool, events);
  return classState(session);
}

/**
 * Write the end of a live class (its row is locked by the caller): everyone
 * present leaves, running recordings stop (egress output arrives later by
 * webhook, browser uploads are finished by the presenter's page), then
 * `session.ended`; the artifact pipeline is asked to run, in this transaction
 * when a trigger is given (else the sweep finds the class).
 */
export async function finishClass(
  tx: TenantTx,
  tenantId: string,
  session: SessionRow,
  reason: EventPayload<"session.ended">["reason"],
  actorUserId: string | null,
  pipeline?: PipelineTrigger | null,
): Promise<{ session: SessionRow; events: StoredEvent[] }> {
  const now = new Date();
  const present = await presentUserIds(tx, session.id);
  await markLeft(tx, session.id, present, now);
  const recordings = await activeRecordings(tx, session.id);
  for (const recording of recordings) {
    await updateRecording(tx, recording.id, { status: "uploading", endedAt: now });
  }
  const ended = await setSessionState(tx, session.id, { status: "ended", endedAt: now });
  const events = await appendEventsIn(tx, {
    tenantId,
    sessionId: session.id,
    events: [
      ...present.map((userId) =>
        validateEvent({
          type: "participant.left",
          actorUserId,
          payload: { userId, reason: "disconnected" },
        }),
      ),
      ...recordings.map((recording) =>
        validateEvent({
          type: "recording.stopped",
          actorUserId,
          payload: { recordingId: recording.id },
        }),
      ),
      validateEvent({ type: "session.ended", actorUserId, payload: { reason } }),
    ],
  });
  await requestArtifacts(tx, tenantId, session.id);
  const trigger: PipelineReason = reason === "room_finished" ? "room_finished" : "session_ended";
  await pipeline?.startPipeline(tx, { tenantId, sessionId: session.id, reason: trigger });
  return { session: { ...ended, lastEventSeq: events.at(-1)!.sequence }, events };
}

/** The class, locked, and the actor's place in it, checked for `action`. */
function lockedClass(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: "session:start" | "session:join" | "session:end",
): Promise<{ session: SessionRow; place: Place }> {
  return classAndPlace(tx, actor, sessionId, action, { lock: true });
}

async function classAndPlace(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: "session:start" | "session:join" | "session:end",
  options: { lock?: boolean } = {},
): Promise<{ session: SessionRow; place: Place }> {
  const { session, place } = await classWithPlace(tx, actor, sessionId, options);
  if (!place) {
    throw new AppError(
      "forbidden",
      "You're not on the list for this class. Ask its teacher to enrol you.",
    );
  }
  assertCan(inClass(actor, sessionId, place), action, {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId,
  });
  return { session, place };
}

function append(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  events: { type: string; payload: unknown }[],
): Promise<StoredEvent[]> {
  return appendEventsIn(tx, {
    tenantId: actor.tenantId,
    sessionId,
    events: events.map((event) => validateEvent({ ...event, actorUserId: actor.userId })),
  });
}

function notAnymore(session: SessionRow): AppError {
  const what = session.status === "cancelled" ? "was cancelled" : `is ${session.status}`;
  return new AppError("conflict", `This class ${what}, so it can't be started or ended now.`);
}

/**
 * A room that closes by itself only well after the class should have ended:
 * a teacher reloading the page or a late first joiner must not end the class.
 */
function roomTimeouts(session: SessionRow) {
  const remaining = Math.max(0, session.endsAt.getTime() - Date.now()) / 1000;
  return {
    emptyTimeoutSeconds: Math.ceil(remaining) + 3_600,
    departureTimeoutSeconds: 600,
  };
}

/** Run a media-server call; a refusal becomes a clear 503 and aborts the step. */
export async function mediaStep<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AppError(
      "unavailable",
      `Audio/video (LiveKit) could not ${what}. Nothing was changed; try again in a moment.`,
      undefined,
      { cause: error },
    );
  }
}
