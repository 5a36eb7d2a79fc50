import { and, eq } from "drizzle-orm";
import { chapters, highlights, summaries, transcriptSegments } from "./schema";
import type { TenantTx } from "./tenantContext";

/*
 * The pipeline's outputs, each written whole for one (class, version): a run
 * replaces its own version's rows and leaves every other version alone, so a
 * re-run (a new version) keeps the previous outputs until it has succeeded.
 */

export interface OutputTarget {
  tenantId: string;
  sessionId: string;
  version: number;
}

export interface SegmentRow {
  recordingId?: string | null;
  startMs: number;
  endMs: number;
  speakerUserId?: string | null;
  speakerLabel?: string | null;
  text: string;
  words?: { word: string; startMs: number; endMs: number }[];
}

export async function replaceTranscript(
  tx: TenantTx,
  target: OutputTarget,
  rows: SegmentRow[],
): Promise<void> {
  const { tenantId, sessionId, version } = target;
  await tx
    .delete(transcriptSegments)
    .where(
      and(eq(transcriptSegments.sessionId, sessionId), eq(transcriptSegments.version, version)),
    );
  if (rows.length === 0) return;
  await tx
    .insert(transcriptSegments)
    .values(rows.map((row) => ({ tenantId, sessionId, version, ...row })));
}

export async function replaceChapters(
  tx: TenantTx,
  target: OutputTarget,
  rows: { startMs: number; endMs: number; title: string; summary?: string }[],
): Promise<void> {
  const { tenantId, sessionId, version } = target;
  await tx
    .delete(chapters)
    .where(and(eq(chapters.sessionId, sessionId), eq(chapters.version, version)));
  if (rows.length === 0) return;
  await tx
    .insert(chapters)
    .values(rows.map((row, position) => ({ tenantId, sessionId, version, position, ...row })));
}

export interface HighlightRow {
  kind: string;
  startMs: number;
  endMs: number;
  title: string;
  score: number;
  sequence: number | null;
}

export async function replaceHighlights(
  tx: TenantTx,
  target: OutputTarget,
  rows: HighlightRow[],
): Promise<void> {
  const { tenantId, sessionId, version } = target;
  await tx
    .delete(highlights)
    .where(and(eq(highlights.sessionId, sessionId), eq(highlights.version, version)));
  if (rows.length === 0) return;
  await tx.insert(highlights).values(rows.map((row) => ({ tenantId, sessionId, version, ...row })));
}

export async function upsertSummary(
  tx: TenantTx,
  target: OutputTarget,
  summary: { body: string; chapterRefs: number[] },
): Promise<void> {
  await tx
    .insert(summaries)
    .values({ ...target, ...summary })
    .onConflictDoUpdate({
      target: [summaries.sessionId, summaries.version],
      set: { body: summary.body, chapterRefs: summary.chapterRefs },
    });
}
