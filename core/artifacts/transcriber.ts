import { availableParallelism } from "node:os";
import { z } from "zod";
import type { Config } from "../platform/config";
import { openaiTranscriber } from "./openaiTranscriber";
import { pocketsphinxTranscriber } from "./pocketsphinx";

/*
 * Speech to text behind one interface (DESIGN.md section 9, step 2). An engine
 * hears one piece of 16 kHz mono WAV and answers segments with word timings,
 * in milliseconds from the piece's start; pieces.ts runs pieces in parallel
 * and moves each onto the recording's clock.
 */

export const wordSchema = z.object({
  word: z.string().min(1),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
});

export const segmentSchema = z.object({
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
  text: z.string(),
  words: z.array(wordSchema),
});

export type Word = z.infer<typeof wordSchema>;
export type Segment = z.infer<typeof segmentSchema>;

export interface TranscribeInput {
  /** A 16 kHz mono 16-bit WAV file. */
  wavPath: string;
  durationMs: number;
  /** Words the class is likely to use (slides, title): engines use them where they can. */
  vocabulary?: readonly string[];
  signal?: AbortSignal;
}

export interface Transcriber {
  readonly engine: "pocketsphinx" | "openai";
  transcribe(input: TranscribeInput): Promise<Segment[]>;
}

export type TranscriberConfig = Pick<
  Config,
  "TRANSCRIBER" | "WHISPER_MODEL" | "TRANSCRIBE_URL" | "TRANSCRIBE_API_KEY" | "TRANSCRIBE_MODEL"
>;

/** The configured engine, made once per worker process. */
export function createTranscriber(config: TranscriberConfig): Transcriber {
  switch (config.TRANSCRIBER) {
    case "openai":
      return openaiTranscriber({
        url: config.TRANSCRIBE_URL!,
        apiKey: config.TRANSCRIBE_API_KEY,
        model: config.TRANSCRIBE_MODEL,
      });
    case "whisper":
      // whisper.cpp is not built in yet (issue 14): fail at start-up, not at the first class.
      throw new Error(
        "TRANSCRIBER=whisper is not available in this build; use pocketsphinx or openai",
      );
    default:
      return pocketsphinxTranscriber();
  }
}

/** Pieces transcribed at once: PIPELINE_PARALLEL_PIECES, or the machine's cores. */
export function parallelPieces(config: Pick<Config, "PIPELINE_PARALLEL_PIECES">): number {
  return config.PIPELINE_PARALLEL_PIECES ?? availableParallelism();
}

/** A segment's text from its words (the words are already clean). */
export const textOf = (words: readonly Word[]) => words.map((w) => w.word).join(" ");
