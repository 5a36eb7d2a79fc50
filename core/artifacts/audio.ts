import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";

/*
 * Audio for the pipeline, with ffmpeg run as a child process with arguments
 * (never a shell): a recording (webm/opus from a browser, mp4 from egress) is
 * normalised to 16 kHz mono 16-bit WAV, and the same pass finds its silences,
 * where long audio is cut into pieces to transcribe in parallel. Peaks and
 * pieces are read straight from the WAV's samples.
 */

export const SAMPLE_RATE = 16_000;
const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

export class FfmpegMissingError extends Error {
  override name = "FfmpegMissingError";
  constructor(readonly ffmpegPath: string) {
    super(
      `ffmpeg was not found (FFMPEG_PATH=${ffmpegPath}): recordings cannot be ingested; install it with apt-get install ffmpeg or set FFMPEG_PATH`,
    );
  }
}

export class FfmpegError extends Error {
  override name = "FfmpegError";
}

/** ffmpeg's version line, or FfmpegMissingError. */
export async function checkFfmpeg(ffmpegPath: string): Promise<string> {
  const { stdout } = await runFfmpeg(ffmpegPath, ["-hide_banner", "-version"]);
  return stdout.split("\n", 1)[0]!.trim();
}

export interface Silence {
  startMs: number;
  endMs: number;
}

export interface NormalizedAudio {
  durationMs: number;
  silences: Silence[];
}

export interface SilenceOptions {
  /** Quieter than this counts as silence. */
  noiseDb?: number;
  /** At least this long. */
  minSilenceMs?: number;
}

/** Any audio or video file → 16 kHz mono s16 WAV at `output`, with its silences. */
export async function normalizeAudio(
  ffmpegPath: string,
  input: string,
  output: string,
  options: SilenceOptions & { signal?: AbortSignal } = {},
): Promise<NormalizedAudio> {
  const noise = options.noiseDb ?? -35;
  const minSilence = (options.minSilenceMs ?? 400) / 1000;
  const { stderr } = await runFfmpeg(
    ffmpegPath,
    [
      ...["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-y"],
      ...["-i", input, "-vn", "-sn", "-dn"],
      ...["-af", `silencedetect=noise=${noise}dB:d=${minSilence}`],
      ...["-ac", "1", "-ar", String(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav", output],
    ],
    options.signal,
  );
  const { dataBytes } = await wavData(output);
  const durationMs = Math.round(dataBytes / BYTES_PER_MS);
  return { durationMs, silences: parseSilences(stderr, durationMs) };
}

/** silencedetect's `silence_start: s` / `silence_end: s` lines; a trailing silence ends with the audio. */
export function parseSilences(stderr: string, durationMs: number): Silence[] {
  const silences: Silence[] = [];
  let start: number | null = null;
  for (const match of stderr.matchAll(/silence_(start|end): (-?\d+(?:\.\d+)?)/g)) {
    const at = Math.max(0, Math.round(Number(match[2]) * 1000));
    if (match[1] === "start") start = at;
    else if (start !== null) {
      silences.push({ startMs: start, endMs: Math.min(at, durationMs) });
      start = null;
    }
  }
  if (start !== null && start < durationMs) silences.push({ startMs: start, endMs: durationMs });
  return silences;
}

export interface Piece {
  index: number;
  startMs: number;
  endMs: number;
}

export interface PieceOptions {
  /** Aim for pieces this long… */
  targetMs: number;
  /** …never longer (cut mid-speech if there is no silence)… */
  maxMs: number;
  /** …and never shorter, except the last. */
  minMs: number;
}

/** Long classes in pieces of about a minute, cut at silences. */
export const defaultPieces: PieceOptions = { targetMs: 60_000, maxMs: 120_000, minMs: 20_000 };

/**
 * Cut [0, duration) into pieces at the middle of silences, each cut the one
 * nearest `targetMs` after the previous; with no silence in reach, at `maxMs`.
 */
export function planPieces(
  durationMs: number,
  silences: readonly Silence[],
  options: PieceOptions = defaultPieces,
): Piece[] {
  const cuts: number[] = [];
  let from = 0;
  while (durationMs - from > options.maxMs) {
    const target = from + options.targetMs;
    let best: number | null = null;
    for (const s of silences) {
      const mid = Math.round((s.startMs + s.endMs) / 2);
      if (mid < from + options.minMs || mid > from + options.maxMs) continue;
      if (durationMs - mid < options.minMs) continue;
      if (best === null || Math.abs(mid - target) < Math.abs(best - target)) best = mid;
    }
    const cut = best ?? from + options.maxMs;
    cuts.push(cut);
    from = cut;
  }
  const bounds = [0, ...cuts, durationMs];
  return bounds.slice(1).map((endMs, index) => ({ index, startMs: bounds[index]!, endMs }));
}

/** Where a WAV file's samples are (ffmpeg may write a LIST chunk before them). */
export async function wavData(file: string): Promise<{ dataOffset: number; dataBytes: number }> {
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(header, 0, header.length, 0);
    if (header.toString("ascii", 0, 4) !== "RIFF" || header.toString("ascii", 8, 12) !== "WAVE") {
      throw new FfmpegError(`${file} is not a WAV file`);
    }
    let at = 12;
    while (at + 8 <= header.length) {
      const id = header.toString("ascii", at, at + 4);
      const length = header.readUInt32LE(at + 4);
      if (id === "data") {
        // ffmpeg writing to a pipe leaves the length unset; the file's end is the data's end.
        const dataBytes = Math.min(length, size - at - 8);
        return { dataOffset: at + 8, dataBytes: dataBytes - (dataBytes % 2) };
      }
      at += 8 + length + (length % 2);
    }
    throw new FfmpegError(`${file} has no data chunk`);
  } finally {
    await handle.close();
  }
}

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** [startMs, endMs) of a normalised WAV as a WAV of its own (sample-exact, no re-encoding). */
export async function writeWavSlice(
  source: string,
  piece: { startMs: number; endMs: number },
  output: string,
): Promise<void> {
  const { dataOffset, dataBytes } = await wavData(source);
  const start = Math.min(Math.round((piece.startMs * BYTES_PER_MS) / 2) * 2, dataBytes);
  const end = Math.min(Math.round((piece.endMs * BYTES_PER_MS) / 2) * 2, dataBytes);
  const out = createWriteStream(output);
  out.write(wavHeader(end - start));
  if (end > start) {
    await pipeline(
      createReadStream(source, { start: dataOffset + start, end: dataOffset + end - 1 }),
      out,
    );
  } else {
    await new Promise<void>((resolve, reject) =>
      out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
}

export interface Peaks {
  /** Each peak covers this many milliseconds. */
  msPerPeak: number;
  durationMs: number;
  /** The loudest sample in each window, 0..255 of full scale. */
  peaks: number[];
}

/** The waveform the replay draws: one peak per `msPerPeak` (50 ms: 72 000 numbers an hour). */
export async function computePeaks(wav: string, msPerPeak = 50): Promise<Peaks> {
  const { dataOffset, dataBytes } = await wavData(wav);
  const window = Math.max(1, Math.round((SAMPLE_RATE * msPerPeak) / 1000));
  const peaks: number[] = [];
  let max = 0;
  let count = 0;
  let carry: Buffer | null = null;
  if (dataBytes > 0) {
    for await (const part of createReadStream(wav, {
      start: dataOffset,
      end: dataOffset + dataBytes - 1,
    }) as AsyncIterable<Buffer>) {
      const chunk: Buffer = carry ? Buffer.concat([carry, part]) : part;
      const even = chunk.length - (chunk.length % 2);
      for (let i = 0; i < even; i += 2) {
        const v = Math.abs(chunk.readInt16LE(i));
        if (v > max) max = v;
        if (++count === window) {
          peaks.push(Math.round((max / 32768) * 255));
          max = 0;
          count = 0;
        }
      }
      carry = even < chunk.length ? chunk.subarray(even) : null;
    }
  }
  if (count > 0) peaks.push(Math.round((max / 32768) * 255));
  return { msPerPeak, durationMs: Math.round(dataBytes / BYTES_PER_MS), peaks };
}

function runFfmpeg(
  ffmpegPath: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT" || error.code === "EACCES"
          ? new FfmpegMissingError(ffmpegPath)
          : error,
      ),
    );
    child.on("close", (code, signalName) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) return resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr });
      const last =
        stderr
          .trim()
          .split("\n")
          .filter((l) => !/silence_/.test(l))
          .at(-1) ?? "";
      reject(new FfmpegError(`ffmpeg exited with ${signalName ?? code}: ${last.slice(0, 500)}`));
    });
  });
}
