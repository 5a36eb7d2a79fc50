/*
 * Align (DESIGN.md section 9, step 3): the class's timeline folded from its
 * event log — which scene, deck and page were on show when — and every
 * transcript segment placed on it, with whose microphone it came from and the
 * events around it. Pure: the stage reads the log and the segments, this
 * places them. Times on the class timeline are milliseconds since
 * `session.started`; transcript times are relative to their recording's start.
 */

/** An event of the class's log, as align and derive read it. */
export interface LogEvent {
  sequence: number;
  type: string;
  actorUserId: string | null;
  payload: unknown;
  occurredAt: Date;
}

export interface RecordingInfo {
  id: string;
  source: "livekit_egress" | "browser";
  startedAt: Date;
}

export interface TimelineSpan {
  startMs: number;
  endMs: number;
  sceneId: string | null;
  deckId: string | null;
  page: number | null;
}

export interface ClassTimeline {
  startedAt: Date;
  endMs: number;
  spans: TimelineSpan[];
}

export interface SegmentInput {
  id: string;
  recordingId: string | null;
  startMs: number;
  endMs: number;
  text: string;
  words?: { word: string; startMs: number; endMs: number }[] | null;
}

export interface Speaker {
  userId: string | null;
  label: string | null;
}

export interface PlacedSegment extends TimelineSpan, Speaker {
  id: string;
  recordingId: string | null;
  /** Where the segment's recording starts on the class timeline. */
  offsetMs: number;
  text: string;
  words: { word: string; startMs: number; endMs: number }[];
  /** Sequences of the interaction events within a few seconds of the segment. */
  events: number[];
}

/** The events that set what is on show. */
export const TIMELINE_EVENTS = ["slide.changed", "scene.changed"] as const;
/** The events speaker attribution understands (`media.track_*` are logged by later issues). */
export const SPEAKER_EVENTS = [
  "recording.started",
  "participant.joined",
  "participant.left",
  "participant.role_changed",
  "media.track_published",
  "media.track_unpublished",
] as const;
/** What counts as "what happened around" a segment. */
export const AROUND_EVENTS = [
  "question.asked",
  "question.answered",
  "poll.opened",
  "poll.closed",
  "chat.posted",
  "hand.raised",
  "cta.shown",
] as const;
const AROUND_MARGIN_MS = 5_000;

const ms = (from: Date, to: Date) => to.getTime() - from.getTime();

/** The class cut wherever the scene or the slide on show changed, from its start to its end. */
export function classTimeline(
  events: readonly LogEvent[],
  times: { startedAt: Date | null; endedAt: Date | null },
): ClassTimeline {
  const shown = events.filter((e) => (TIMELINE_EVENTS as readonly string[]).includes(e.type));
  const startedAt = times.startedAt ?? events[0]?.occurredAt ?? new Date(0);
  const lastEvent = events.at(-1)?.occurredAt ?? startedAt;
  const endMs = Math.max(0, ms(startedAt, times.endedAt ?? lastEvent));
  const at = (date: Date) => Math.min(endMs, Math.max(0, ms(startedAt, date)));
  const spans: TimelineSpan[] = [{ startMs: 0, endMs, sceneId: null, deckId: null, page: null }];
  for (const event of shown) {
    const last = spans.at(-1)!;
    const payload = event.payload as { sceneId?: string; deckId?: string; page?: number };
    const next =
      event.type === "scene.changed"
        ? { ...last, sceneId: payload.sceneId ?? null }
        : { ...last, deckId: payload.deckId ?? null, page: payload.page ?? 1 };
    if (next.sceneId === last.sceneId && next.deckId === last.deckId && next.page === last.page)
      continue;
    const startMs = at(event.occurredAt);
    // Two changes at one instant (a deck and its page): the later one stands.
    if (startMs <= last.startMs) spans[spans.length - 1] = { ...next, startMs: last.startMs };
    else spans.push({ ...next, startMs });
  }
  for (let i = 0; i < spans.length; i++) spans[i]!.endMs = spans[i + 1]?.startMs ?? endMs;
  // A change back to what was on show already leaves one span, not two.
  const merged: TimelineSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (
      last &&
      last.sceneId === span.sceneId &&
      last.deckId === span.deckId &&
      last.page === span.page
    )
      last.endMs = span.endMs;
    else merged.push(span);
  }
  return { startedAt, endMs, spans: merged };
}

/** What was on show at `atMs` on the class timeline. */
export function spanAt(timeline: ClassTimeline, atMs: number): TimelineSpan {
  const spans = timeline.spans;
  for (let i = spans.length - 1; i >= 0; i--) if (spans[i]!.startMs <= atMs) return spans[i]!;
  return spans[0]!;
}

interface Interval {
  userId: string;
  fromMs: number;
  toMs: number;
}

/**
 * Whose microphone a recording carried at a moment, read from the log alone:
 * - `media.track_published|unpublished` (audio tracks), when the log has them:
 *   who was on stage then; of several, a teacher before a student, then the
 *   one who published first;
 * - else a browser recording is its starter's microphone (`recording.started`'s actor);
 * - else (LiveKit egress) the one teacher in the room, or the recording's starter.
 * The label is the name the person joined under.
 */
export function speakerAttribution(
  events: readonly LogEvent[],
  startedAt: Date,
): (recording: RecordingInfo | null, atMs: number) => Speaker {
  const at = (date: Date) => ms(startedAt, date);
  const names = new Map<string, string>();
  const teachers = new Set<string>();
  const starters = new Map<string, string>();
  const published: Interval[] = [];
  const present: Interval[] = [];
  const open = new Map<string, Interval>();
  const inRoom = new Map<string, Interval>();
  let hasTrackEvents = false;

  for (const event of events) {
    const p = (event.payload ?? {}) as Record<string, unknown>;
    const subject = typeof p.userId === "string" ? p.userId : event.actorUserId;
    switch (event.type) {
      case "recording.started":
        if (typeof p.recordingId === "string" && event.actorUserId)
          starters.set(p.recordingId, event.actorUserId);
        break;
      case "participant.joined":
        if (!subject) break;
        if (typeof p.displayName === "string") names.set(subject, p.displayName);
        if (p.role === "host" || p.role === "co_teacher") teachers.add(subject);
        if (!inRoom.has(subject)) {
          const interval = { userId: subject, fromMs: at(event.occurredAt), toMs: Infinity };
          inRoom.set(subject, interval);
          present.push(interval);
        }
        break;
      case "participant.left":
        if (subject && inRoom.has(subject)) {
          inRoom.get(subject)!.toMs = at(event.occurredAt);
          inRoom.delete(subject);
        }
        break;
      case "participant.role_changed":
        if (!subject) break;
        if (p.to === "host" || p.to === "co_teacher") teachers.add(subject);
        else teachers.delete(subject);
        break;
      case "media.track_published":
      case "media.track_unpublished": {
        if (!subject || !isAudioTrack(p)) break;
        hasTrackEvents = true;
        const key = `${subject}:${typeof p.trackId === "string" ? p.trackId : ""}`;
        if (event.type === "media.track_published" && !open.has(key)) {
          const interval = { userId: subject, fromMs: at(event.occurredAt), toMs: Infinity };
          open.set(key, interval);
          published.push(interval);
        } else if (event.type === "media.track_unpublished" && open.has(key)) {
          open.get(key)!.toMs = at(event.occurredAt);
          open.delete(key);
        }
        break;
      }
    }
  }

  const speaker = (userId: string | null): Speaker => ({
    userId,
    label: userId ? (names.get(userId) ?? null) : null,
  });
  const during = (intervals: Interval[], atMs: number) =>
    intervals.filter((i) => i.fromMs <= atMs && atMs < i.toMs).map((i) => i.userId);

  return (recording, atMs) => {
    if (hasTrackEvents) {
      const onStage = [...new Set(during(published, atMs))];
      const first = onStage.find((u) => teachers.has(u)) ?? onStage[0];
      if (first) return speaker(first);
    }
    const starter = recording ? (starters.get(recording.id) ?? null) : null;
    if (!recording || recording.source === "browser") return speaker(starter);
    const teachersIn = [...new Set(during(present, atMs))].filter((u) => teachers.has(u));
    if (teachersIn.length === 1) return speaker(teachersIn[0]!);
    return speaker(starter);
  };
}

function isAudioTrack(payload: Record<string, unknown>): boolean {
  const kind = payload.kind ?? payload.trackKind;
  const source = payload.source ?? payload.trackSource;
  if (kind !== undefined) return kind === "audio";
  if (source !== undefined) return source === "microphone";
  return true;
}

/**
 * Every segment on the class timeline: its recording's start (the
 * `recording.started` event, else the recording's row) against the class's
 * start, what was on show at its middle, its speaker, the events around it.
 */
export function placeSegments(
  segments: readonly SegmentInput[],
  context: {
    events: readonly LogEvent[];
    recordings: readonly RecordingInfo[];
    timeline: ClassTimeline;
  },
): PlacedSegment[] {
  const { events, recordings, timeline } = context;
  const startedAt = timeline.startedAt;
  const recordingStart = new Map<string, Date>();
  for (const event of events) {
    const p = event.payload as { recordingId?: string };
    if (event.type === "recording.started" && p.recordingId && !recordingStart.has(p.recordingId))
      recordingStart.set(p.recordingId, event.occurredAt);
  }
  const byId = new Map(recordings.map((r) => [r.id, r]));
  // Segments without a recording belong to the class's only (or first) one.
  const fallback = [...recordings].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())[0];
  const speakerAt = speakerAttribution(events, startedAt);
  const around = events
    .filter((e) => (AROUND_EVENTS as readonly string[]).includes(e.type))
    .map((e) => ({ sequence: e.sequence, atMs: ms(startedAt, e.occurredAt) }));

  return segments.map((segment) => {
    const recording = (segment.recordingId ? byId.get(segment.recordingId) : fallback) ?? null;
    const start = recording ? (recordingStart.get(recording.id) ?? recording.startedAt) : startedAt;
    const offsetMs = ms(startedAt, start);
    const startMs = segment.startMs + offsetMs;
    const endMs = segment.endMs + offsetMs;
    const span = spanAt(timeline, (startMs + endMs) / 2);
    return {
      id: segment.id,
      recordingId: recording?.id ?? segment.recordingId,
      offsetMs,
      startMs,
      endMs,
      sceneId: span.sceneId,
      deckId: span.deckId,
      page: span.page,
      ...speakerAt(recording, (startMs + endMs) / 2),
      text: segment.text,
      words: (segment.words ?? []).map((w) => ({
        word: w.word,
        startMs: w.startMs + offsetMs,
        endMs: w.endMs + offsetMs,
      })),
      events: around
        .filter((e) => e.atMs >= startMs - AROUND_MARGIN_MS && e.atMs <= endMs + AROUND_MARGIN_MS)
        .map((e) => e.sequence),
    };
  });
}

/** Who the class's teachers were (joined as, or made, host or co-teacher). */
export function teachersOf(events: readonly LogEvent[]): Set<string> {
  const teachers = new Set<string>();
  for (const event of events) {
    const p = (event.payload ?? {}) as { userId?: string; role?: string; to?: string };
    if (!p.userId) continue;
    if (event.type === "participant.joined" && (p.role === "host" || p.role === "co_teacher"))
      teachers.add(p.userId);
    if (event.type === "participant.role_changed" && (p.to === "host" || p.to === "co_teacher"))
      teachers.add(p.userId);
  }
  return teachers;
}
