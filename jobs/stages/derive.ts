import { replaceChapters, replaceHighlights } from "../../db/artifactOutputs";
import { eventsOfTypes } from "../../db/pipeline";
import type { TenantTx } from "../../db/tenantContext";
import { classTimeline } from "./timeline";
import { NO_TRANSCRIPT, skipped, type StageContext, type StageResult } from "./stage";

/** Derive: chapters, highlights, summary and captions. */
export async function derive({
  tx,
  tenantId,
  sessionId,
  version,
  progress,
}: StageContext): Promise<StageResult> {
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
      await replaceChapters(tx, { tenantId, sessionId, version }, chapters);
      await replaceHighlights(tx, { tenantId, sessionId, version }, highlights);
    },
  };
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
