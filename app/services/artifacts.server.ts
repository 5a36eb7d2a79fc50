import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { classWithPlace, inClass } from "../../core/classes/classPlace";
import { claimWrite, rememberWrite } from "../../core/classes/idempotentWrite";
import { assertCan, can, type Actor, type Resource } from "../../core/identity/permissions";
import { AppError } from "../../core/platform/errors";
import {
  FINISHED,
  runVersions,
  stageRows,
  type ArtifactKind,
  type ArtifactRow,
} from "../../db/pipeline";
import { withTenant, type TenantTx } from "../../db/tenantContext";

/*
 * "After class": what the artifact pipeline made of a class, for its teachers
 * and the school's admins (DESIGN.md sections 7 and 9). Readers see the newest
 * version that finished every kind, and a newer one beside it while it runs or
 * after it failed; a re-run queues the next version in the same transaction as
 * the request (docs/decisions/013), never while one is in progress.
 */

export type StageStatus = ArtifactRow["status"];

export interface StageView {
  kind: ArtifactKind;
  label: string;
  status: StageStatus;
  /** 0..100. */
  progress: number;
  attempts: number;
  /** Why it was skipped, failed or is waiting, in words; null when there is nothing to say. */
  reason: string | null;
}

export interface VersionView {
  version: number;
  /** queued: nothing started yet; running: under way or retrying; failed: a stage gave up. */
  state: "queued" | "running" | "succeeded" | "failed";
  stages: StageView[];
}

export interface ArtifactsView {
  /** The version readers use: the newest that finished every kind. */
  current: VersionView | null;
  /** A newer version than `current`, running or failed. */
  next: VersionView | null;
  /** A run is queued or under way: poll, and no re-run yet. */
  inProgress: boolean;
  /** The asker may re-run it now (host or school admin, class ended, nothing in progress). */
  canRerun: boolean;
}

/** The kinds in the order a teacher reads them (the pipeline's own order). */
export const stageLabels: [ArtifactKind, string][] = [
  ["audio", "Audio"],
  ["transcript", "Transcript"],
  ["alignment", "Alignment"],
  ["chapters", "Chapters"],
  ["highlights", "Highlights"],
  ["summary", "Summary"],
  ["captions", "Captions"],
];

export const rerunSchema = z.object({ action: z.literal("rerun") });

export async function artifactsOf(
  context: AppLoadContext,
  actor: Actor,
  sessionId: string,
): Promise<ArtifactsView> {
  return withTenant(context.db.db, actor.tenantId, async (tx) => {
    const { session, place } = await classWithPlace(tx, actor, sessionId);
    const there = inClass(actor, sessionId, place);
    const resource: Resource = { tenantId: actor.tenantId, kind: "session", sessionId };
    assertCan(there, "artifacts:view", resource);
    const view = await readView(tx, sessionId);
    return {
      ...view,
      canRerun:
        session.status === "ended" && !view.inProgress && can(there, "artifacts:rerun", resource),
    };
  });
}

/**
 * Queue the class's next version (host or school admin, an ended class,
 * nothing in progress: else 409). The class row is locked, so two re-runs at
 * once queue one version; a retried Idempotency-Key answers the first result.
 */
export async function rerunArtifacts(
  context: AppLoadContext,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<{ version: number }> {
  rerunSchema.parse(input);
  return withTenant(context.db.db, actor.tenantId, async (tx) => {
    const claim = await claimWrite(tx, actor, idempotencyKey, { rerun: sessionId });
    if (claim.status === "replay") return claim.response as { version: number };
    const { session, place } = await classWithPlace(tx, actor, sessionId, { lock: true });
    assertCan(inClass(actor, sessionId, place), "artifacts:rerun", {
      tenantId: actor.tenantId,
      kind: "session",
      sessionId,
    });
    if (session.status !== "ended") {
      throw new AppError("conflict", "Only a class that has ended can be processed again.");
    }
    if ((await readView(tx, sessionId)).inProgress) {
      throw new AppError(
        "conflict",
        "This class is being processed already. Try again when it is done.",
      );
    }
    if (!context.pipeline) {
      throw new AppError("unavailable", "Processing after class is not running on this server.");
    }
    const run = await context.pipeline.rerunPipeline(tx, { tenantId: actor.tenantId, sessionId });
    await rememberWrite(tx, actor.tenantId, idempotencyKey, run);
    return run;
  });
}

async function readView(tx: TenantTx, sessionId: string): Promise<Omit<ArtifactsView, "canRerun">> {
  const [rows, runs] = await Promise.all([stageRows(tx, sessionId), runVersions(tx, sessionId)]);
  return describeVersions(
    rows,
    runs.map((r) => r.version),
  );
}

/** The current and the next version, from every status row and every run's version. */
export function describeVersions(
  rows: readonly Pick<
    ArtifactRow,
    "kind" | "version" | "status" | "progress" | "attempts" | "error" | "output"
  >[],
  runVersions: readonly number[],
): Omit<ArtifactsView, "canRerun"> {
  const versions = [...new Set([...runVersions, ...rows.map((r) => r.version)])].sort(
    (a, b) => a - b,
  );
  const views = versions.map((version) =>
    describeVersion(
      version,
      rows.filter((r) => r.version === version),
    ),
  );
  const current = views.findLast((v) => v.state === "succeeded") ?? null;
  const latest = views.at(-1) ?? null;
  const next =
    latest && latest !== current && latest.version > (current?.version ?? 0) ? latest : null;
  return {
    current,
    next,
    inProgress: next !== null && (next.state === "queued" || next.state === "running"),
  };
}

function describeVersion(
  version: number,
  rows: readonly Pick<
    ArtifactRow,
    "kind" | "status" | "progress" | "attempts" | "error" | "output"
  >[],
): VersionView {
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  const state: VersionView["state"] =
    rows.length === stageLabels.length && rows.every((r) => FINISHED.includes(r.status))
      ? "succeeded"
      : rows.some((r) => r.status === "dead")
        ? "failed"
        : rows.length === 0
          ? "queued"
          : "running";
  const stages = stageLabels.map(([kind, label]): StageView => {
    const row = byKind.get(kind);
    if (!row) {
      return {
        kind,
        label,
        status: "pending",
        progress: 0,
        attempts: 0,
        // Waiting needs no words; not made at all does.
        reason: state === "failed" ? "Not made, because an earlier step gave up." : null,
      };
    }
    return {
      kind,
      label,
      status: row.status,
      progress:
        row.status === "running"
          ? row.progress
          : FINISHED.includes(row.status)
            ? 100
            : row.progress,
      attempts: row.attempts,
      reason: reasonOf(kind, row),
    };
  });
  return { version, state, stages };
}

const NOTHING_FOR: Record<ArtifactKind, string> = {
  audio: "there is no audio",
  transcript: "there is no transcript",
  alignment: "there is nothing to place on the class's timeline",
  chapters: "there are no chapters",
  highlights: "there are no highlights",
  summary: "there is no summary",
  captions: "there are no captions",
};

/** A stage's raw reason or error, as a sentence a teacher can act on. */
export function reasonOf(
  kind: ArtifactKind,
  row: Pick<ArtifactRow, "status" | "attempts" | "error" | "output">,
): string | null {
  const nothing = NOTHING_FOR[kind];
  switch (row.status) {
    case "skipped": {
      const raw = (row.output as { reason?: unknown } | null)?.reason;
      const reason = typeof raw === "string" ? raw : "";
      if (reason === "no recording") return `No recording was made, so ${nothing}.`;
      if (reason === "no transcript") return `There is no transcript, so ${nothing}.`;
      if (reason === "no transcriber configured") {
        return "Speech recognition is not set up on this server, so there is no transcript.";
      }
      if (reason === "not made" || !reason) return `Nothing was made this time, so ${nothing}.`;
      return `Skipped: ${reason}.`;
    }
    case "failed":
      return `${failureInWords(row.error)} It will be tried again (attempt ${row.attempts} failed).`;
    case "dead":
      return `${failureInWords(row.error)} It gave up after ${row.attempts} ${row.attempts === 1 ? "attempt" : "attempts"}.`;
    default:
      return null;
  }
}

/** The raw errors stages throw, in words; the raw text stays in the logs and the row. */
function failureInWords(error: string | null): string {
  const raw = error ?? "";
  if (/gave up after its last attempt/i.test(raw)) {
    return "The worker stopped or ran out of time on its last attempt.";
  }
  if (/ffmpeg|sox|pocketsphinx|flite|ENOENT|spawn/i.test(raw)) {
    return "A program the server needs for audio is missing or failed.";
  }
  if (/time ?out|timed out|expired|took too long/i.test(raw))
    return "It took too long and was stopped.";
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|fetch failed|network|socket/i.test(raw)) {
    return "It could not reach a service it needs.";
  }
  if (/NoSuchKey|storage|bucket|S3/i.test(raw))
    return "The recording could not be read from storage.";
  return "Something went wrong while making it.";
}
