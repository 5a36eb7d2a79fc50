import type { PgBoss, Queue } from "pg-boss";

/*
 * The jobs role's queues (DESIGN.md section 9). Each pipeline stage is its own
 * queue, so a stage is retried, expired and dead-lettered on its own; the
 * chain is ingest → transcribe → align → derive. Stage jobs carry the class as
 * their singleton key under the `stately` policy: per class and stage at most
 * one job waits and one runs, so the end of a class and its recording arriving
 * a moment later run the stage twice in order, never at once.
 */

export const stages = ["ingest", "transcribe", "align", "derive"] as const;
export type Stage = (typeof stages)[number];

export const queueNames = {
  ingest: "pipeline.ingest",
  transcribe: "pipeline.transcribe",
  align: "pipeline.align",
  derive: "pipeline.derive",
  /** Every stage's jobs that used up their retries land here (see jobs/pipeline.ts). */
  dead: "pipeline.dead",
  sweep: "pipeline.sweep",
  reconcile: "media.reconcile",
} as const;

/** What every stage job carries. */
export interface StageJob {
  tenantId: string;
  sessionId: string;
  reason: string;
  /**
   * The artifact version the run writes (artifact_runs.version). Jobs queued
   * before versions were carried have none and write version 1.
   */
  version?: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** The first retry's delay; each further one doubles it (with jitter), up to `retryDelayMax`. */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** How long a stage may run before pg-boss takes it back for another worker. */
  expireInSeconds: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retryLimit: 4,
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 30 * 60,
  expireInSeconds: 15 * 60,
};

export function queueDefinitions(policy: RetryPolicy): Queue[] {
  const retry = {
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: policy.retryDelayMaxSeconds,
    expireInSeconds: policy.expireInSeconds,
  };
  return [
    // Dead letters are kept for people to look at, not retried.
    { name: queueNames.dead, policy: "standard", retryLimit: 0, deleteAfterSeconds: 30 * 86_400 },
    ...stages.map((stage) => ({
      name: queueNames[stage],
      policy: "stately" as const,
      deadLetter: queueNames.dead,
      ...retry,
    })),
    // Schedules: one pass at a time however many jobs processes run; a missed pass is not retried.
    { name: queueNames.sweep, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
    { name: queueNames.reconcile, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
  ];
}

/**
 * Create the queues that are missing and bring the others to `policy`.
 * Every process that sends or works runs it at start-up, so a web process can
 * send before any jobs process has started.
 */
export async function ensureQueues(boss: PgBoss, policy: RetryPolicy): Promise<void> {
  for (const { name, ...options } of queueDefinitions(policy)) {
    const existing = await boss.getQueue(name);
    if (!existing) {
      await boss.createQueue(name, options).catch(async (error: unknown) => {
        // Another process created it between our look and now.
        if (!(await boss.getQueue(name))) throw error;
      });
    } else {
      const { policy: _policy, ...changeable } = options;
      await boss.updateQueue(name, changeable);
    }
  }
}
