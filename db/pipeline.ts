import { and, asc, desc, eq, inArray, isNull, lt, lte, max, sql } from "drizzle-orm";
import {
  artifactKinds,
  artifactRuns,
  artifacts,
  chapters,
  highlights,
  recordings,
  sessions,
  sessionStateEvents,
  summaries,
  transcriptSegments,
} from "./schema";
import type { TenantTx } from "./tenantContext";

/*
 * The artifact pipeline's SQL (DESIGN.md section 9), in one place: its runs,
 * each stage's status rows in `artifacts`, and the products it writes. Every
 * write is an upsert keyed by (session, kind, version) or a replace of the
 * class's rows, so running a stage again leaves the same rows. A run writes
 * one version (artifact_runs.version, carried by its jobs); earlier versions
 * stay until a newer one has finished every kind (`dropEarlierVersions`).
 */

export type ArtifactKind = (typeof artifacts.$inferSelect)["kind"];
export type ArtifactRow = typeof artifacts.$inferSelect;
export type RunReason = (typeof artifactRuns.$inferSelect)["reason"];

/** The version a class's first run writes. */
export const FIRST_VERSION = 1;

/** A kind is finished for good when it succeeded or had nothing to work on. */
export const FINISHED: readonly ArtifactRow["status"][] = ["succeeded", "skipped"];

export async function recordRun(
  tx: TenantTx,
  run: {
    tenantId: string;
    sessionId: string;
    reason: RunReason;
    version: number;
    jobId: string | null;
  },
): Promise<void> {
  await tx.insert(artifactRuns).values(run);
}

/** The highest version any run of the class was queued for; null before its first run. */
export async function latestRunVersion(tx: TenantTx, sessionId: string): Promise<number | null> {
  const [row] = await tx
    .select({ version: max(artifactRuns.version) })
    .from(artifactRuns)
    .where(eq(artifactRuns.sessionId, sessionId));
  return row?.version ?? null;
}

/** Ended classes of the current tenant that never had a run, ended at least `before`. */
export async function endedWithoutRun(tx: TenantTx, before: Date, limit = 100) {
  return (
    tx
      .select({ id: sessions.id, tenantId: sessions.tenantId })
      .from(sessions)
      .leftJoin(artifactRuns, eq(artifactRuns.sessionId, sessions.id))
      .where(
        and(eq(sessions.status, "ended"), isNull(artifactRuns.id), lte(sessions.endedAt, before)),
      )
      .orderBy(asc(sessions.endedAt))
      .limit(limit)
      // A class being ended right now, or swept by another pass, is skipped.
      .for("update", { of: sessions, skipLocked: true })
  );
}

/** A stage's rows (one per kind it makes): running, attempt `attempt`, no error, 0 %. */
export async function markRunning(
  tx: TenantTx,
  target: {
    tenantId: string;
    sessionId: string;
    version: number;
    kinds: readonly ArtifactKind[];
    attempt: number;
  },
): Promise<void> {
  await tx
    .insert(artifacts)
    .values(
      target.kinds.map((kind) => ({
        tenantId: target.tenantId,
        sessionId: target.sessionId,
        kind,
        version: target.version,
        status: "running" as const,
        attempts: target.attempt,
      })),
    )
    .onConflictDoUpdate({
      target: [artifacts.sessionId, artifacts.kind, artifacts.version],
      set: {
        status: "running",
        progress: 0,
        attempts: target.attempt,
        error: null,
        updatedAt: sql`now()`,
      },
    });
}

export async function setProgress(
  tx: TenantTx,
  target: { sessionId: string; version: number; kinds: readonly ArtifactKind[]; progress: number },
): Promise<void> {
  await tx
    .update(artifacts)
    .set({
      progress: Math.max(0, Math.min(100, Math.round(target.progress))),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(artifacts.sessionId, target.sessionId),
        eq(artifacts.version, target.version),
        inArray(artifacts.kind, [...target.kinds]),
        eq(artifacts.status, "running"),
      ),
    );
}

/** One kind's outcome: succeeded (or skipped, with why) and what it made. */
export async function markDone(
  tx: TenantTx,
  target: {
    sessionId: string;
    version: number;
    kind: ArtifactKind;
    status: "succeeded" | "skipped";
    output: unknown;
    storageKey?: string | null;
  },
): Promise<void> {
  await tx
    .update(artifacts)
    .set({
      status: target.status,
      progress: 100,
      error: null,
      output: target.output,
      storageKey: target.storageKey ?? null,
      updatedAt: sql`now()`,
    })
    .where(kindOf(target.sessionId, target.kind, target.version));
}

/** Failed (to be retried) or dead (retries used up), with the error. */
export async function markFailed(
  tx: TenantTx,
  target: {
    sessionId: string;
    version: number;
    kinds: readonly ArtifactKind[];
    status: "failed" | "dead";
    error: string;
    /** Leave rows that already ended (dead, succeeded, skipped) as they are. */
    onlyUnfinished?: boolean;
  },
): Promise<void> {
  await tx
    .update(artifacts)
    .set({
      status: target.status,
      error: target.error.slice(0, 2_000),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(artifacts.sessionId, target.sessionId),
        eq(artifacts.version, target.version),
        inArray(artifacts.kind, [...target.kinds]),
        target.onlyUnfinished
          ? inArray(artifacts.status, ["pending", "running", "failed"])
          : undefined,
      ),
    );
}

/** The class's status rows of every version it still has, oldest version first. */
export function stageRows(tx: TenantTx, sessionId: string) {
  return tx
    .select()
    .from(artifacts)
    .where(eq(artifacts.sessionId, sessionId))
    .orderBy(asc(artifacts.version), asc(artifacts.kind));
}

/** Every version of the class that was queued, with its newest run's reason and time. */
export async function runVersions(tx: TenantTx, sessionId: string) {
  return tx
    .select({
      version: artifactRuns.version,
      queuedAt: max(artifactRuns.createdAt),
    })
    .from(artifactRuns)
    .where(eq(artifactRuns.sessionId, sessionId))
    .groupBy(artifactRuns.version)
    .orderBy(asc(artifactRuns.version));
}

/**
 * One kind's row of `version`; without one, of the class's newest version
 * that has it (the run in progress is always the newest to have started it).
 */
export async function artifactOutput(
  tx: TenantTx,
  sessionId: string,
  kind: ArtifactKind,
  version?: number,
): Promise<ArtifactRow | null> {
  const [row] = await tx
    .select()
    .from(artifacts)
    .where(
      version === undefined
        ? and(eq(artifacts.sessionId, sessionId), eq(artifacts.kind, kind))
        : kindOf(sessionId, kind, version),
    )
    .orderBy(desc(artifacts.version))
    .limit(1);
  return row ?? null;
}

/** True when every kind of `version` has finished for good (succeeded or skipped). */
export async function versionFinished(
  tx: TenantTx,
  sessionId: string,
  version: number,
): Promise<boolean> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(artifacts)
    .where(
      and(
        eq(artifacts.sessionId, sessionId),
        eq(artifacts.version, version),
        inArray(artifacts.status, [...FINISHED]),
      ),
    );
  return (row?.n ?? 0) === artifactKinds.length;
}

/**
 * Delete the class's outputs and status rows of every version before
 * `version`, once `version` has finished: a re-run replaces what readers see
 * only when it has something whole to show instead.
 */
export async function dropEarlierVersions(
  tx: TenantTx,
  sessionId: string,
  version: number,
): Promise<void> {
  for (const table of [transcriptSegments, chapters, highlights, summaries, artifacts]) {
    await tx.delete(table).where(and(eq(table.sessionId, sessionId), lt(table.version, version)));
  }
}

/** The class's newest recording that can be processed, if any. */
export async function availableRecording(tx: TenantTx, sessionId: string) {
  const [row] = await tx
    .select()
    .from(recordings)
    .where(and(eq(recordings.sessionId, sessionId), eq(recordings.status, "available")))
    .orderBy(sql`${recordings.endedAt} desc nulls last`)
    .limit(1);
  return row ?? null;
}

export async function classTimes(tx: TenantTx, sessionId: string) {
  const [row] = await tx
    .select({
      title: sessions.title,
      startedAt: sessions.startedAt,
      endedAt: sessions.endedAt,
      status: sessions.status,
    })
    .from(sessions)
    .where(eq(sessions.id, sessionId));
  return row ?? null;
}

/** The class's events of the given types, in order (what align and derive read). */
export function eventsOfTypes(tx: TenantTx, sessionId: string, types: string[]) {
  return tx
    .select({
      sequence: sessionStateEvents.sequence,
      type: sessionStateEvents.type,
      payload: sessionStateEvents.payload,
      occurredAt: sessionStateEvents.occurredAt,
    })
    .from(sessionStateEvents)
    .where(
      and(eq(sessionStateEvents.sessionId, sessionId), inArray(sessionStateEvents.type, types)),
    )
    .orderBy(asc(sessionStateEvents.sequence));
}

function kindOf(sessionId: string, kind: ArtifactKind, version: number) {
  return and(
    eq(artifacts.sessionId, sessionId),
    eq(artifacts.kind, kind),
    eq(artifacts.version, version),
  );
}
