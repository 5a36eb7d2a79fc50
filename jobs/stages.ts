import {
  artifactOutput,
  availableRecording,
  classTimes,
  eventsOfTypes,
  replaceChapters,
  replaceHighlights,
  type ArtifactKind,
} from "../db/pipeline";
import type { TenantTx } from "../db/tenantContext";
import type { Stage } from "./queues";

/*
 * What each stage does, kept small and honest: ingest records the recording
 * it would normalise, transcribe says why it has nothing yet, align and derive
 * make what the event log alone allows (the class timeline, chapters from
 * slide and scene changes, highlights from questions and polls). Normalising
 * with ffmpeg, the transcribers and the transcript-based outputs come later.
 *
 * A body reads in one transaction and returns what to write; the worker
 * writes it with the stage's status and the next stage's job in another
 * (jobs/pipeline.ts), so a stage that dies half-way has written nothing.
 */

export type KindOutcome =
  | { status: "succeeded"; output: unknown; storageKey?: string | null }
  | { status: "skipped"; reason: string };

export interface StageResult {
  outcomes: Partial<Record<ArtifactKind, KindOutcome>>;
  write?: (tx: TenantTx) => Promise<void>;
}

export interface StageContext {
  tenantId: string;
  sessionId: string;
  tx: TenantTx;
  progress(percent: number): Promise<void>;
}

export type StageBody = (ctx: StageContext) => Promise<StageResult>;

/** The artifact kinds each stage makes. */
export const stageKinds: Record<Stage, readonly ArtifactKind[]> = {
  ingest: ["audio"],
  transcribe: ["transcript"],
  align: ["alignment"],
  derive: ["chapters", "highlights", "summary", "captions"],
};

const NO_RECORDING = "no recording";
const NO_TRANSCRIPT = "no transcript";

const skipped = (reason: string): KindOutcome => ({ status: "skipped", reason });

export const stageBodies: Record<Stage, StageBody> = {
  async ingest({ tx, sessionId }) {
    const recording = await availableRecording(tx, sessionId);
    if (!recording) return { outcomes: { audio: skipped(NO_RECORDING) } };
    return {
      outcomes: {
        audio: {
          status: "succeeded",
          storageKey: recording.storageKey,
          output: {
            recordingId: recording.id,
            source: recording.source,
            mime: recording.mime,
            durationMs: recording.durationMs,
            normalized: false,
          },
        },
      },
    };
  },

  async transcribe({ tx, sessionId }) {
    const audio = await artifactOutput(tx, sessionId, "audio");
    if (audio?.status !== "succeeded") return { outcomes: { transcript: skipped(NO_RECORDING) } };
    return { outcomes: { transcript: skipped("no transcriber configured") } };
  },

  async align({ tx, sessionId }) {
    const timeline = await classTimeline(tx, sessionId);
    return {
      outcomes: {
        alignment: { status: "succeeded", output: { segments: 0, timeline: timeline.spans } },
      },
    };
  },

  async derive({ tx, tenantId, sessionId, progress }) {
    const timeline = await classTimeline(tx, sessionId);
    const chapters = timeline.spans.map((span) => ({
      startMs: span.startMs,
      endMs: span.endMs,
      title: span.title,
    }));
    await progress(50);
    const highlights = await classHighlights(tx, sessionId, timeline.startedAt);
    return {
      outcomes: {
        chapters: { status: "succeeded", output: { count: chapters.length, source: "slides" } },
        highlights: { status: "succeeded", output: { count: highlights.length } },
        summary: skipped(NO_TRANSCRIPT),
        captions: skipped(NO_TRANSCRIPT),
      },
      async write(tx) {
        await replaceChapters(tx, tenantId, sessionId, chapters);
        await replaceHighlights(tx, tenantId, sessionId, highlights);
      },
    };
  },
};

interface Span {
  startMs: number;
  endMs: number;
  title: string;
}

/** The class cut where the slide or scene changed, from its start to its end. */
async function classTimeline(tx: TenantTx, sessionId: string) {
  const times = await classTimes(tx, sessionId);
  const events = await eventsOfTypes(tx, sessionId, ["slide.changed", "scene.changed"]);
  const startedAt = times?.startedAt ?? events[0]?.occurredAt ?? new Date(0);
  const endMs = Math.max(0, (times?.endedAt ?? startedAt).getTime() - startedAt.getTime());
  const at = (date: Date) => Math.min(endMs, Math.max(0, date.getTime() - startedAt.getTime()));
  const spans: Span[] = [];
  for (const event of events) {
    const payload = event.payload as { page?: number; sceneId?: string };
    const title = event.type === "slide.changed" ? `Slide ${payload.page}` : "Scene change";
    const startMs = at(event.occurredAt);
    const last = spans.at(-1);
    if (last?.title === title) continue;
    if (last && last.startMs === startMs) spans.pop();
    if (spans.length === 0 && startMs > 0)
      spans.push({ startMs: 0, endMs: startMs, title: "Opening" });
    spans.push({ startMs, endMs, title });
  }
  for (let i = 0; i < spans.length - 1; i++) spans[i]!.endMs = spans[i + 1]!.startMs;
  if (spans.length === 0) spans.push({ startMs: 0, endMs, title: times?.title ?? "Class" });
  return { startedAt, spans };
}

/** Questions (scored by upvotes) and closed polls, placed on the class timeline. */
async function classHighlights(tx: TenantTx, sessionId: string, startedAt: Date) {
  const events = await eventsOfTypes(tx, sessionId, [
    "question.asked",
    "question.upvoted",
    "poll.created",
    "poll.closed",
  ]);
  const at = (date: Date) => Math.max(0, date.getTime() - startedAt.getTime());
  const upvotes = new Map<string, number>();
  const prompts = new Map<string, string>();
  for (const event of events) {
    const payload = event.payload as { questionId?: string; pollId?: string; prompt?: string };
    if (event.type === "question.upvoted" && payload.questionId) {
      upvotes.set(payload.questionId, (upvotes.get(payload.questionId) ?? 0) + 1);
    }
    if (event.type === "poll.created" && payload.pollId)
      prompts.set(payload.pollId, payload.prompt ?? "");
  }
  const rows = [];
  for (const event of events) {
    const payload = event.payload as { questionId?: string; pollId?: string; body?: string };
    if (event.type === "question.asked" && payload.questionId) {
      rows.push({
        kind: "question",
        startMs: at(event.occurredAt),
        endMs: at(event.occurredAt),
        title: payload.body ?? "Question",
        score: 1 + (upvotes.get(payload.questionId) ?? 0),
        sequence: event.sequence,
      });
    }
    if (event.type === "poll.closed" && payload.pollId) {
      rows.push({
        kind: "poll",
        startMs: at(event.occurredAt),
        endMs: at(event.occurredAt),
        title: prompts.get(payload.pollId) || "Poll",
        score: 1,
        sequence: event.sequence,
      });
    }
  }
  return rows;
}
