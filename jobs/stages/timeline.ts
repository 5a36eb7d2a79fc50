import {
  AROUND_EVENTS,
  classTimeline,
  placeSegments,
  SPEAKER_EVENTS,
  TIMELINE_EVENTS,
  type LogEvent,
} from "../../core/artifacts/alignment";
import { classLog, classRecordings, transcriptOf } from "../../db/artifactOutputs";
import { classTimes } from "../../db/pipeline";
import type { TenantTx } from "../../db/tenantContext";

/** Every event type align and derive read from the log. */
const CLASS_EVENTS = [
  ...new Set([
    "session.started",
    "session.ended",
    "slides.deck_added",
    "scene.created",
    "scene.updated",
    "scene.deleted",
    "question.asked",
    "question.upvoted",
    "question.answered",
    "question.dismissed",
    "poll.created",
    "poll.opened",
    "poll.voted",
    "poll.closed",
    "chat.posted",
    "hand.raised",
    "cta.shown",
    "cta.hidden",
    ...TIMELINE_EVENTS,
    ...SPEAKER_EVENTS,
    ...AROUND_EVENTS,
  ]),
];

/**
 * A class as align and derive see it: its log, its timeline (what was on show
 * when, from `session.started`), its recordings and one version's transcript
 * placed on that timeline.
 */
export async function readClass(tx: TenantTx, sessionId: string, version: number) {
  const times = await classTimes(tx, sessionId);
  const events: LogEvent[] = (await classLog(tx, sessionId, CLASS_EVENTS)).map((e) => ({
    ...e,
    sequence: Number(e.sequence),
  }));
  const startedEvent = events.find((e) => e.type === "session.started")?.occurredAt ?? null;
  const endedEvent = events.find((e) => e.type === "session.ended")?.occurredAt ?? null;
  const timeline = classTimeline(events, {
    startedAt: times?.startedAt ?? startedEvent,
    endedAt: times?.endedAt ?? endedEvent,
  });
  const recordings = await classRecordings(tx, sessionId);
  const transcript = await transcriptOf(tx, sessionId, version);
  const segments = placeSegments(transcript, { events, recordings, timeline });
  return { title: times?.title ?? "Class", events, timeline, recordings, transcript, segments };
}

export type ClassRecord = Awaited<ReturnType<typeof readClass>>;
