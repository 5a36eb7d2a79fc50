import { and, asc, eq, inArray, sql } from "drizzle-orm";
import {
  chapters,
  highlights,
  recordings,
  sessionStateEvents,
  summaries,
  transcriptSegments,
} from "./schema";
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

/*
 * What align and derive read: the class's log with its actors (speaker
 * attribution needs who started a recording), its recordings, and the
 * transcript of one version; and what align writes back onto the segments.
 */

export function classLog(tx: TenantTx, sessionId: string, types: readonly string[]) {
  return tx
    .select({
      sequence: sessionStateEvents.sequence,
      type: sessionStateEvents.type,
      actorUserId: sessionStateEvents.actorUserId,
      payload: sessionStateEvents.payload,
      occurredAt: sessionStateEvents.occurredAt,
    })
    .from(sessionStateEvents)
    .where(
      and(
        eq(sessionStateEvents.sessionId, sessionId),
        inArray(sessionStateEvents.type, [...types]),
      ),
    )
    .orderBy(asc(sessionStateEvents.sequence));
}

export function classRecordings(tx: TenantTx, sessionId: string) {
  return tx
    .select({ id: recordings.id, source: recordings.source, startedAt: recordings.startedAt })
    .from(recordings)
    .where(eq(recordings.sessionId, sessionId))
    .orderBy(asc(recordings.startedAt));
}

export function transcriptOf(tx: TenantTx, sessionId: string, version: number) {
  return tx
    .select({
      id: transcriptSegments.id,
      recordingId: transcriptSegments.recordingId,
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      speakerUserId: transcriptSegments.speakerUserId,
      speakerLabel: transcriptSegments.speakerLabel,
      text: transcriptSegments.text,
      words: transcriptSegments.words,
    })
    .from(transcriptSegments)
    .where(
      and(eq(transcriptSegments.sessionId, sessionId), eq(transcriptSegments.version, version)),
    )
    .orderBy(
      asc(transcriptSegments.recordingId),
      asc(transcriptSegments.startMs),
      asc(transcriptSegments.id),
    );
}

/** Who spoke each segment of one version, in one statement. */
export async function setSpeakers(
  tx: TenantTx,
  target: OutputTarget,
  rows: { id: string; speakerUserId: string | null; speakerLabel: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map((r) => sql`(${r.id}::uuid, ${r.speakerUserId}::uuid, ${r.speakerLabel}::text)`),
    sql`, `,
  );
  await tx.execute(sql`
    update transcript_segments as t
       set speaker_user_id = v.speaker_user_id, speaker_label = v.speaker_label
      from (values ${values}) as v (id, speaker_user_id, speaker_label)
     where t.id = v.id and t.session_id = ${target.sessionId} and t.version = ${target.version}`);
}

export interface TranscriptHit {
  id: string;
  startMs: number;
  endMs: number;
  text: string;
  speakerLabel: string | null;
  rank: number;
}

/** Segments of one version matching a search as people type it (quotes, or, -word). */
export async function searchTranscript(
  tx: TenantTx,
  sessionId: string,
  version: number,
  query: string,
  limit = 50,
): Promise<TranscriptHit[]> {
  const q = sql`websearch_to_tsquery('english', ${query})`;
  return tx
    .select({
      id: transcriptSegments.id,
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      text: transcriptSegments.text,
      speakerLabel: transcriptSegments.speakerLabel,
      rank: sql<number>`ts_rank(${transcriptSegments.searchVector}, ${q})`.mapWith(Number),
    })
    .from(transcriptSegments)
    .where(
      and(
        eq(transcriptSegments.sessionId, sessionId),
        eq(transcriptSegments.version, version),
        sql`${transcriptSegments.searchVector} @@ ${q}`,
      ),
    )
    .orderBy(
      sql`ts_rank(${transcriptSegments.searchVector}, ${q}) desc`,
      asc(transcriptSegments.startMs),
    )
    .limit(limit);
}
