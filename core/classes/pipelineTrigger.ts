import type { TenantTx } from "../../db/tenantContext";

/**
 * Asks for a class's artifact pipeline inside the caller's transaction
 * (docs/decisions/013): the job and its `artifact_runs` row commit with the
 * event that called for them, or not at all. Implemented on pg-boss in jobs/
 * and handed to core through deps, since core never imports a process.
 * Absent (tests, tools), nothing is queued and the jobs role's sweep finds the
 * ended class instead.
 */
export interface PipelineTrigger {
  /** Run the class's current version again (or its first); a failure to queue is left to the sweep. */
  startPipeline(
    tx: TenantTx,
    request: { tenantId: string; sessionId: string; reason: PipelineReason },
  ): Promise<void>;
  /**
   * Queue a new version (the highest so far + 1), beside the ones the class
   * has, which stay until it has finished. Someone asked for it, so a failure
   * to queue is thrown (and rolls back `tx`), never left to the sweep.
   */
  rerunPipeline(
    tx: TenantTx,
    request: { tenantId: string; sessionId: string },
  ): Promise<{ version: number }>;
}

export type PipelineReason = "session_ended" | "room_finished" | "recording_available";
