import { buildCues, toSrt, toVtt } from "../../core/artifacts/captions";
import { deriveChapters, slideKey, type Chapter } from "../../core/artifacts/chapters";
import { detectHighlights, type Highlight } from "../../core/artifacts/highlights";
import { teachersOf } from "../../core/artifacts/alignment";
import { slideTextCache } from "../../core/artifacts/slideText";
import { extractiveSummary, modelSummary, type Summary } from "../../core/artifacts/summary";
import type { Storage } from "../../core/platform/storage";
import { scenesFrom } from "../../core/studio/scenes";
import { replaceChapters, replaceHighlights, upsertSummary } from "../../db/artifactOutputs";
import {
  NO_TRANSCRIPT,
  skipped,
  type KindOutcome,
  type StageContext,
  type StageResult,
} from "./stage";
import { readClass, type ClassRecord } from "./timeline";
import { deckKey } from "../../core/studio/slides";

const captionsKey = (tenantId: string, sessionId: string, version: number, name: string) =>
  `captions/${tenantId}/${sessionId}/v${version}/${name}`;

/**
 * Derive: chapters (slides and scenes, split by topic where a slide stays up
 * long), highlights (the detectors over the log and the transcript), a summary
 * anchored to the chapters, and captions (WebVTT and SRT, through Storage).
 * Without a transcript: chapters from slides and scenes, highlights from the
 * log, a summary of chapter titles, questions and polls, and no captions.
 */
export async function derive(ctx: StageContext): Promise<StageResult> {
  const { tx, tenantId, sessionId, version, progress } = ctx;
  const storage = ctx.deps?.storage ?? null;
  const record = await readClass(tx, sessionId, version);
  const hasTranscript = record.segments.length > 0;

  const chapters = await classChapters(record, storage, tenantId, sessionId);
  await progress(30);
  const highlights = detectHighlights({
    events: record.events.map((e) => ({
      ...e,
      atMs: e.occurredAt.getTime() - record.timeline.startedAt.getTime(),
    })),
    segments: record.segments.map((s) => ({ ...s, speakerUserId: s.userId })),
    teachers: teachersOf(record.events),
    endMs: record.timeline.endMs,
  });
  await progress(50);
  const summaryInput = { chapters, segments: record.segments, highlights };
  const model = ctx.deps?.summary;
  const summary: Summary = model
    ? await modelSummary(summaryInput, model)
    : extractiveSummary(summaryInput);
  await progress(70);
  const captions = hasTranscript
    ? storage
      ? await writeCaptions(record, storage, tenantId, sessionId, version)
      : skipped("no storage configured")
    : skipped(NO_TRANSCRIPT);

  const target = { tenantId, sessionId, version };
  return {
    outcomes: {
      chapters: {
        status: "succeeded",
        output: {
          count: chapters.length,
          sources: [...new Set(chapters.map((c) => c.source))].sort(),
        },
      },
      highlights: {
        status: "succeeded",
        output: { count: highlights.length, kinds: kindCounts(highlights) },
      },
      summary: {
        status: "succeeded",
        output: {
          source: summary.source,
          ...(summary.fallback ? { fallback: summary.fallback } : {}),
          ...(hasTranscript ? {} : { note: NO_TRANSCRIPT }),
          chapters: summary.chapterRefs.length,
        },
      },
      captions,
    },
    async write(tx) {
      await replaceChapters(
        tx,
        target,
        chapters.map((c, i) => ({
          startMs: c.startMs,
          endMs: c.endMs,
          title: c.title,
          summary: summary.sections[i]?.text ?? "",
        })),
      );
      await replaceHighlights(tx, target, highlights);
      await upsertSummary(tx, target, { body: summary.body, chapterRefs: summary.chapterRefs });
    },
  };
}

async function classChapters(
  record: ClassRecord,
  storage: Storage | null,
  tenantId: string,
  sessionId: string,
): Promise<Chapter[]> {
  const deckNames = new Map<string, string>();
  for (const e of record.events) {
    const p = e.payload as { deckId?: string; name?: string };
    if (e.type === "slides.deck_added" && p.deckId) deckNames.set(p.deckId, p.name ?? "Slides");
  }
  const slides = slideTextCache(async (deckId) => {
    if (!storage || !deckNames.has(deckId)) return null;
    const stream = await storage.get(deckKey(tenantId, sessionId, deckId));
    return new Uint8Array(Buffer.concat(await stream.toArray()));
  });
  const slideTitles = new Map<string, string>();
  for (const span of record.timeline.spans) {
    if (!span.deckId) continue;
    const title = await slides.title(span.deckId, span.page ?? 1);
    if (title) slideTitles.set(slideKey(span.deckId, span.page ?? 1), title);
  }
  const scenes = new Map(
    scenesFrom(record.events).map((s) => [s.sceneId, { name: s.name, layout: s.layout }]),
  );
  return deriveChapters({
    timeline: record.timeline,
    scenes,
    slideTitles,
    deckNames,
    classTitle: record.title,
    segments: record.segments,
  });
}

/** One WebVTT and one SRT per recording, on that recording's own clock (what its player plays). */
async function writeCaptions(
  record: ClassRecord,
  storage: Storage,
  tenantId: string,
  sessionId: string,
  version: number,
): Promise<KindOutcome> {
  const byRecording = new Map<string, ClassRecord["transcript"]>();
  for (const segment of record.transcript) {
    const key = segment.recordingId ?? "class";
    byRecording.set(key, [...(byRecording.get(key) ?? []), segment]);
  }
  const files = [];
  for (const [recording, segments] of [...byRecording].sort(([a], [b]) => a.localeCompare(b))) {
    const cues = buildCues(segments);
    const vtt = captionsKey(tenantId, sessionId, version, `${recording}.vtt`);
    const srt = captionsKey(tenantId, sessionId, version, `${recording}.srt`);
    await storage.put(vtt, new TextEncoder().encode(toVtt(cues)), { contentType: "text/vtt" });
    await storage.put(srt, new TextEncoder().encode(toSrt(cues)), {
      contentType: "application/x-subrip",
    });
    files.push({
      recordingId: recording === "class" ? null : recording,
      vtt,
      srt,
      cues: cues.length,
    });
  }
  return { status: "succeeded", storageKey: files[0]?.vtt ?? null, output: { files } };
}

function kindCounts(highlights: Highlight[]) {
  const counts: Record<string, number> = {};
  for (const h of highlights) counts[h.kind] = (counts[h.kind] ?? 0) + 1;
  return counts;
}
