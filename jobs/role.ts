import type { Config } from "../core/platform/config";
import type { OpenDatabase } from "../core/platform/database";
import type { Logger } from "../core/platform/logger";
import type { PipelineTrigger } from "../core/classes/pipelineTrigger";
import { mediaFromConfig } from "../core/media/livekit";
import { checkFfmpeg } from "../core/artifacts/audio";
import { createTranscriber, parallelPieces } from "../core/artifacts/transcriber";
import { createStorage } from "../core/platform/storage";
import { startJobQueue } from "./boss";
import { pipelineTrigger, startPipelineWorkers } from "./pipeline";
import type { RetryPolicy } from "./queues";
import { startSchedules } from "./schedules";
import type { StageDeps } from "./stages/stage";

export interface Jobs {
  /** For the web role's deps: queues a class's pipeline in the caller's transaction. */
  pipeline: PipelineTrigger;
  stop(): Promise<void>;
}

export function retryPolicyFrom(config: Config): RetryPolicy {
  return {
    retryLimit: config.PIPELINE_RETRY_LIMIT,
    retryDelaySeconds: config.PIPELINE_RETRY_DELAY_SECONDS,
    retryDelayMaxSeconds: 30 * 60,
    expireInSeconds: config.PIPELINE_STAGE_TIMEOUT_SECONDS,
  };
}

/**
 * pg-boss for this process: every role that ends classes sends (web), the
 * jobs role also works the pipeline's queues and runs the schedules.
 */
export async function startJobs(options: {
  config: Config;
  database: OpenDatabase;
  log: Logger;
  work: boolean;
}): Promise<Jobs> {
  const { config, database, log } = options;
  const boss = await startJobQueue({
    url: database.url,
    log,
    mode: options.work ? "worker" : "sender",
    policy: retryPolicyFrom(config),
    superviseIntervalSeconds: config.JOBS_SUPERVISE_INTERVAL_SECONDS,
  });
  if (options.work) {
    await startPipelineWorkers({
      boss,
      db: database.db,
      log,
      deps: await stageDeps(config, log),
    });
    await startSchedules({
      boss,
      database,
      media: mediaFromConfig(config),
      log,
      reconcileIntervalSeconds: config.RECONCILE_INTERVAL_SECONDS,
      sweepGraceSeconds: config.PIPELINE_SWEEP_GRACE_SECONDS,
    });
  }
  return {
    pipeline: pipelineTrigger(boss, log),
    // Graceful: running stages get a few seconds to finish; what does not is taken back after its expiry.
    stop: () => boss.stop({ graceful: true, timeout: 5_000 }),
  };
}

/**
 * What the stages work with, made once per worker. A missing
 * ffmpeg is said once here; the jobs still run and ingest fails with the
 * same words, so a class's status shows why.
 */
export async function stageDeps(config: Config, log: Logger): Promise<StageDeps> {
  await checkFfmpeg(config.FFMPEG_PATH).catch((error: unknown) =>
    log.warn(error instanceof Error ? error.message : String(error)),
  );
  return {
    storage: createStorage(config),
    ffmpegPath: config.FFMPEG_PATH,
    transcriber: createTranscriber(config),
    parallelPieces: parallelPieces(config),
    summary: config.SUMMARY_URL
      ? { url: config.SUMMARY_URL, apiKey: config.SUMMARY_API_KEY, model: config.SUMMARY_MODEL }
      : undefined,
  };
}
