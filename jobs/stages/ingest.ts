import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  computePeaks,
  normalizeAudio,
  planPieces,
  SAMPLE_RATE,
  type Piece,
} from "../../core/artifacts/audio";
import { availableRecording } from "../../db/pipeline";
import { NO_RECORDING, skipped, type StageContext, type StageResult } from "./stage";

/** The `audio` artifact's output: what transcribe (and the replay's waveform) read. */
export interface AudioOutput {
  recordingId: string;
  source: string;
  mime: string | null;
  durationMs: number;
  normalized: true;
  sampleRate: number;
  /** The 16 kHz mono WAV in Storage. */
  audioKey: string;
  /** The waveform's peaks (JSON, core/artifacts/audio.ts `Peaks`) in Storage. */
  peaksKey: string;
  /** Where transcription cuts the audio, at silences. */
  pieces: Piece[];
}

export const audioKeys = (ctx: Pick<StageContext, "tenantId" | "sessionId" | "version">) => {
  const dir = `artifacts/${ctx.tenantId}/${ctx.sessionId}/v${ctx.version}`;
  return { audioKey: `${dir}/audio.wav`, peaksKey: `${dir}/peaks.json` };
};

/**
 * Ingest: the class's recording (egress output in the bucket, or the browser's
 * assembled chunks, both through Storage), normalised with ffmpeg to 16 kHz
 * mono, its waveform peaks and its pieces, stored beside the recording. What
 * it stores is overwritten by a re-run of the same version, so a retry is safe.
 */
export async function ingest(ctx: StageContext): Promise<StageResult> {
  const recording = await availableRecording(ctx.tx, ctx.sessionId);
  if (!recording) return { outcomes: { audio: skipped(NO_RECORDING) } };
  if (!recording.storageKey) throw new Error(`recording ${recording.id} has no stored file`);
  const media = ctx.deps;
  if (!media) throw new Error("this worker has no storage or ffmpeg for the media stages");
  const { storage, ffmpegPath } = media;

  const dir = await mkdtemp(path.join(tmpdir(), "lectern-ingest-"));
  try {
    const input = path.join(dir, `recording${path.extname(recording.storageKey) || ".bin"}`);
    await pipeline(await storage.get(recording.storageKey), createWriteStream(input));
    await ctx.progress(20);
    const wav = path.join(dir, "audio.wav");
    const { durationMs, silences } = await normalizeAudio(ffmpegPath, input, wav);
    await ctx.progress(60);
    const peaks = await computePeaks(wav);
    const { audioKey, peaksKey } = audioKeys(ctx);
    await storage.put(audioKey, createReadStream(wav), { contentType: "audio/wav" });
    await storage.put(peaksKey, Buffer.from(JSON.stringify(peaks)), {
      contentType: "application/json",
    });
    await ctx.progress(90);
    const output: AudioOutput = {
      recordingId: recording.id,
      source: recording.source,
      mime: recording.mime,
      durationMs,
      normalized: true,
      sampleRate: SAMPLE_RATE,
      audioKey,
      peaksKey,
      pieces: planPieces(durationMs, silences),
    };
    return { outcomes: { audio: { status: "succeeded", storageKey: audioKey, output } } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
