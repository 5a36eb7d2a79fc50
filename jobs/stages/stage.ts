import type { ArtifactKind } from "../../db/pipeline";
import type { TenantTx } from "../../db/tenantContext";
import type { Transcriber } from "../../core/artifacts/transcriber";
import type { Storage } from "../../core/platform/storage";

/*
 * What a stage is. A body reads in one transaction and returns what to write;
 * the worker writes it with the stage's status and the next stage's job in
 * another (jobs/pipeline.ts), so a stage that dies half-way has written nothing.
 */

export type KindOutcome =
  | { status: "succeeded"; output: unknown; storageKey?: string | null }
  | { status: "skipped"; reason: string };

export interface StageResult {
  outcomes: Partial<Record<ArtifactKind, KindOutcome>>;
  write?: (tx: TenantTx) => Promise<void>;
}

export interface StageContext {
  tenantId: string;
  sessionId: string;
  /** The run's artifact version: outputs are written under it, beside earlier ones. */
  version: number;
  tx: TenantTx;
  progress(percent: number): Promise<void>;
  /** What the stages work with, made once per worker (jobs/role.ts); absent, a stage that needs it fails with why. */
  deps?: StageDeps;
}

/**
 * Storage (recordings and decks in; audio, peaks and captions out), ffmpeg,
 * the transcriber and the optional summary model.
 */
export interface StageDeps {
  storage: Storage;
  ffmpegPath: string;
  transcriber: Transcriber;
  /** Pieces transcribed at once. */
  parallelPieces: number;
  /** An OpenAI-compatible chat endpoint (SUMMARY_URL, SUMMARY_API_KEY, SUMMARY_MODEL); unset: extractive. */
  summary?: { url: string; apiKey?: string; model: string };
}

export type StageBody = (ctx: StageContext) => Promise<StageResult>;

export const skipped = (reason: string): KindOutcome => ({ status: "skipped", reason });

export const NO_RECORDING = "no recording";
export const NO_TRANSCRIPT = "no transcript";
