import type { Job, JobWithMetadata, PgBoss } from "pg-boss";
import type { Database } from "../db/client";
import {
  classTimes,
  dropEarlierVersions,
  FIRST_VERSION,
  latestRunVersion,
  markDone,
  markFailed,
  markRunning,
  recordRun,
  setProgress,
  versionFinished,
  type RunReason,
} from "../db/pipeline";
import { withTenant, type TenantTx } from "../db/tenantContext";
import type { PipelineTrigger } from "../core/classes/pipelineTrigger";
import type { Logger } from "../core/platform/logger";
import { inTransaction } from "./boss";
import { queueNames, stages, type Stage, type StageJob } from "./queues";
import { stageBodies, stageKinds, type StageBody } from "./stages/index";
import type { StageDeps } from "./stages/stage";

/*
 * The artifact pipeline's chain (DESIGN.md section 9, docs/decisions/013).
 * A stage's worker marks its `artifacts` rows running, runs the stage's body,
 * then in one transaction writes what it made, marks the rows succeeded (or
 * skipped, with why) and sends the next stage's job: a stage that dies
 * before that commit has written nothing and its job comes back (on a retry
 * or, if its worker died, after the job's expiry) to start again. A failure is
 * recorded on the rows (failed while retries are left, dead on the last) and
 * pg-boss retries with exponential backoff, then dead-letters the job.
 *
 * Every job carries its run's version. The last stage of a version that
 * finished every kind deletes the class's earlier versions in its commit, so
 * readers always have one whole version to show.
 */

export interface PipelineJob extends StageJob {
  stage: Stage;
  version: number;
}

/**
 * Send a class's first stage inside `tx`, with the run that explains it.
 * Without a version, the class's current one (its highest, or the first):
 * a trigger redoes that version in place; only a re-run asks for a new one.
 */
export async function queueRun(
  boss: PgBoss,
  tx: TenantTx,
  run: { tenantId: string; sessionId: string; reason: RunReason; version?: number },
): Promise<string | null> {
  const version = run.version ?? (await latestRunVersion(tx, run.sessionId)) ?? FIRST_VERSION;
  const data: PipelineJob = { ...run, version, stage: "ingest" };
  const jobId = await boss.send(queueNames.ingest, data, {
    db: inTransaction(tx),
    singletonKey: run.sessionId,
  });
  await recordRun(tx, { ...run, version, jobId });
  return jobId;
}

/**
 * The trigger core's lifecycle, webhooks and recordings are given. A failure
 * to queue is contained in a savepoint and logged: it must not undo the end of
 * a class (DESIGN.md section 7), and the class is then left without a run,
 * which the sweep finds (jobs/sweep.ts).
 */
export function pipelineTrigger(boss: PgBoss, log: Logger): PipelineTrigger {
  return {
    async startPipeline(tx, request) {
      if (request.reason === "recording_available") {
        // A recording finished while the class is still live: the end will ask.
        const times = await classTimes(tx, request.sessionId);
        if (times?.status !== "ended") return;
      }
      try {
        await tx.transaction((savepoint) => queueRun(boss, savepoint, request));
      } catch (error) {
        log.error(
          { err: error, sessionId: request.sessionId },
          "could not queue the artifact pipeline; the sweep will",
        );
      }
    },
    async rerunPipeline(tx, request) {
      const version = ((await latestRunVersion(tx, request.sessionId)) ?? 0) + 1;
      await queueRun(boss, tx, { ...request, reason: "rerun", version });
      return { version };
    },
  };
}

export interface PipelineWorkerOptions {
  boss: PgBoss;
  db: Database;
  log: Logger;
  /** Replace stage bodies (tests). */
  bodies?: Partial<Record<Stage, StageBody>>;
  pollingIntervalSeconds?: number;
  /** Storage, ffmpeg and the transcriber for ingest and transcribe. */
  deps?: StageDeps;
}

const nextStage = (stage: Stage): Stage | null => stages[stages.indexOf(stage) + 1] ?? null;

export async function startPipelineWorkers(options: PipelineWorkerOptions): Promise<void> {
  const { boss } = options;
  const bodies = { ...stageBodies, ...options.bodies };
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  for (const stage of stages) {
    await boss.work(
      queueNames[stage],
      { pollingIntervalSeconds, batchSize: 1, includeMetadata: true },
      async ([job]: JobWithMetadata<PipelineJob>[]) =>
        runStage(options, bodies[stage], stage, job!),
    );
  }
  await boss.work<PipelineJob>(queueNames.dead, { pollingIntervalSeconds }, async (jobs) => {
    for (const job of jobs) await buryStage(options, job);
  });
}

async function runStage(
  options: PipelineWorkerOptions,
  body: StageBody,
  stage: Stage,
  job: JobWithMetadata<PipelineJob>,
): Promise<void> {
  const { db, boss } = options;
  const { tenantId, sessionId } = job.data;
  const version = job.data.version ?? FIRST_VERSION;
  const kinds = stageKinds[stage];
  const attempt = job.retryCount + 1;
  await withTenant(db, tenantId, (tx) =>
    markRunning(tx, { tenantId, sessionId, version, kinds, attempt }),
  );
  try {
    const result = await withTenant(db, tenantId, (tx) =>
      body({
        tenantId,
        sessionId,
        version,
        tx,
        deps: options.deps,
        // Its own transaction, so the progress shows while the stage goes on.
        progress: (percent) =>
          withTenant(db, tenantId, (own) =>
            setProgress(own, { sessionId, version, kinds, progress: percent }),
          ),
      }),
    );
    await withTenant(db, tenantId, async (tx) => {
      await result.write?.(tx);
      for (const kind of kinds) {
        const outcome = result.outcomes[kind] ?? { status: "skipped", reason: "not made" };
        await markDone(tx, {
          sessionId,
          version,
          kind,
          ...(outcome.status === "succeeded"
            ? { status: "succeeded", output: outcome.output, storageKey: outcome.storageKey }
            : { status: "skipped", output: { reason: outcome.reason } }),
        });
      }
      const next = nextStage(stage);
      if (next) {
        const data: PipelineJob = { ...job.data, version, stage: next };
        await boss.send(queueNames[next], data, {
          db: inTransaction(tx),
          singletonKey: sessionId,
        });
      } else if (await versionFinished(tx, sessionId, version)) {
        await dropEarlierVersions(tx, sessionId, version);
      }
    });
  } catch (error) {
    const last = attempt > job.retryLimit;
    await withTenant(db, tenantId, (tx) =>
      markFailed(tx, {
        sessionId,
        version,
        kinds,
        status: last ? "dead" : "failed",
        error: message(error),
      }),
    ).catch((mark: unknown) =>
      options.log.error({ err: mark, sessionId, stage }, "could not record a stage's failure"),
    );
    options.log.warn({ err: error, sessionId, stage, attempt, last }, "pipeline stage failed");
    throw error;
  }
}

/**
 * A stage's job that used up its retries. Usually its rows already say dead;
 * a worker that died on the last attempt could not say so, so this does.
 */
async function buryStage(options: PipelineWorkerOptions, job: Job<PipelineJob>): Promise<void> {
  const { tenantId, sessionId, stage } = job.data;
  if (!stages.includes(stage)) return;
  await withTenant(options.db, tenantId, (tx) =>
    markFailed(tx, {
      sessionId,
      version: job.data.version ?? FIRST_VERSION,
      kinds: stageKinds[stage].slice(),
      status: "dead",
      error: "gave up after its last attempt (the worker stopped or timed out)",
      onlyUnfinished: true,
    }),
  );
}

function message(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
