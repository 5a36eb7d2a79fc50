import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { writeWavSlice } from "../../core/artifacts/audio";
import { splitSegments, transcribePieces } from "../../core/artifacts/pieces";
import { replaceTranscript } from "../../db/artifactOutputs";
import { artifactOutput, classTimes } from "../../db/pipeline";
import type { AudioOutput } from "./ingest";
import { NO_RECORDING, skipped, type StageContext, type StageResult } from "./stage";

/** The `transcript` artifact's output. */
export interface TranscriptOutput {
  engine: string;
  pieces: number;
  words: number;
  durationMs: number;
  /** Wall-clock seconds spent per second of audio. */
  realTimeFactor: number;
}

/**
 * Transcribe: the normalised audio in pieces, several at once (progress per
 * piece), merged onto the recording's clock, as transcript segments with
 * their words, written in the stage's commit.
 */
export async function transcribe(ctx: StageContext): Promise<StageResult> {
  const audio = await artifactOutput(ctx.tx, ctx.sessionId, "audio", ctx.version);
  if (audio?.status !== "succeeded") return { outcomes: { transcript: skipped(NO_RECORDING) } };
  const media = ctx.deps;
  if (!media) throw new Error("this worker has no storage or transcriber for the media stages");
  const output = audio.output as AudioOutput;
  if (!output.normalized || !output.audioKey) {
    throw new Error("the audio artifact has no normalised audio; ingest must run again");
  }
  const vocabulary = vocabularyOf((await classTimes(ctx.tx, ctx.sessionId))?.title ?? "");

  const started = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), "lectern-transcribe-"));
  let segments;
  try {
    const wav = path.join(dir, "audio.wav");
    await pipeline(await media.storage.get(output.audioKey), createWriteStream(wav));
    await ctx.progress(5);
    segments = await transcribePieces({
      pieces: output.pieces,
      parallel: media.parallelPieces,
      async transcribe(piece) {
        const file = path.join(dir, `piece-${piece.index}.wav`);
        await writeWavSlice(wav, piece, file);
        try {
          return await media.transcriber.transcribe({
            wavPath: file,
            durationMs: piece.endMs - piece.startMs,
            vocabulary,
          });
        } finally {
          await rm(file, { force: true });
        }
      },
      onPieceDone: (done, total) => ctx.progress(5 + (90 * done) / total),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rows = splitSegments(segments).map((segment) => ({
    ...segment,
    recordingId: output.recordingId,
  }));
  const seconds = (performance.now() - started) / 1000;
  const result: TranscriptOutput = {
    engine: media.transcriber.engine,
    pieces: output.pieces.length,
    words: rows.reduce((n, row) => n + row.words.length, 0),
    durationMs: output.durationMs,
    realTimeFactor: output.durationMs > 0 ? round(seconds / (output.durationMs / 1000)) : 0,
  };
  return {
    outcomes: { transcript: { status: "succeeded", output: result } },
    write: (tx) =>
      replaceTranscript(
        tx,
        { tenantId: ctx.tenantId, sessionId: ctx.sessionId, version: ctx.version },
        rows,
      ),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The class's own words, for engines that can use them (the slides' words join when extracted). */
function vocabularyOf(...texts: string[]): string[] {
  const words = texts.flatMap((t) => t.split(/[^\p{L}\p{N}'-]+/u)).filter((w) => w.length > 3);
  return [...new Set(words)];
}
