import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkFfmpeg,
  computePeaks,
  FfmpegMissingError,
  normalizeAudio,
  parseSilences,
  planPieces,
  wavData,
  writeWavSlice,
} from "./audio";
import { parsePocketsphinx } from "./pocketsphinx";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lectern-audio-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Tone, silence, tone… as 44.1 kHz stereo ogg: what ffmpeg has to normalise. */
async function tonesWithGaps(spans: { toneMs: number; gapMs: number }[]): Promise<string> {
  const file = path.join(dir, "tones.ogg");
  const parts = spans.map(({ toneMs, gapMs }, i) => {
    return `sine=f=${300 + 100 * i}:r=44100:d=${toneMs / 1000},apad=pad_dur=${gapMs / 1000}[p${i}]`;
  });
  const filter = `${parts.join(";")};${spans.map((_, i) => `[p${i}]`).join("")}concat=n=${spans.length}:v=0:a=1,aformat=channel_layouts=stereo[out]`;
  await run("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-filter_complex",
    filter,
    "-map",
    "[out]",
    "-c:a",
    "libvorbis",
    file,
  ]);
  return file;
}

describe("audio", () => {
  it("normalises to 16 kHz mono WAV and finds the silences to cut at", async () => {
    const input = await tonesWithGaps([
      { toneMs: 3_000, gapMs: 1_000 },
      { toneMs: 3_000, gapMs: 1_000 },
      { toneMs: 3_000, gapMs: 0 },
    ]);
    const wav = path.join(dir, "norm.wav");
    const { durationMs, silences } = await normalizeAudio("ffmpeg", input, wav);
    expect(durationMs).toBeGreaterThan(10_900);
    expect(durationMs).toBeLessThan(11_100);
    const { stdout } = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=sample_rate,channels,codec_name",
      "-of",
      "csv=p=0",
      wav,
    ]);
    expect(stdout.trim()).toBe("pcm_s16le,16000,1");
    expect(silences).toHaveLength(2);
    expect(silences[0]!.startMs).toBeGreaterThan(2_900);
    expect(silences[0]!.endMs).toBeLessThan(4_100);

    const pieces = planPieces(durationMs, silences, {
      targetMs: 4_000,
      maxMs: 5_000,
      minMs: 1_000,
    });
    expect(pieces).toHaveLength(3);
    expect(pieces[0]!.startMs).toBe(0);
    expect(pieces.at(-1)!.endMs).toBe(durationMs);
    // Cut in the middle of each silence, never in a tone.
    expect(pieces[0]!.endMs).toBeGreaterThan(3_300);
    expect(pieces[0]!.endMs).toBeLessThan(3_700);
    expect(pieces[1]!.endMs).toBeGreaterThan(7_300);
    expect(pieces[1]!.endMs).toBeLessThan(7_700);

    const slice = path.join(dir, "piece.wav");
    await writeWavSlice(wav, pieces[1]!, slice);
    const data = await wavData(slice);
    expect(data.dataBytes).toBe(((pieces[1]!.endMs - pieces[1]!.startMs) * 32) | 0);

    const peaks = await computePeaks(wav, 100);
    expect(peaks.peaks.length).toBe(Math.ceil(durationMs / 100));
    expect(Math.min(...peaks.peaks.slice(10, 28))).toBeGreaterThan(15); // a tone (sine at 1/8 of full scale)
    expect(Math.max(...peaks.peaks.slice(32, 38))).toBeLessThan(3); // the silence
  });

  it("cuts at the maximum length where there is no silence", () => {
    expect(planPieces(25_000, [], { targetMs: 8_000, maxMs: 10_000, minMs: 2_000 })).toEqual([
      { index: 0, startMs: 0, endMs: 10_000 },
      { index: 1, startMs: 10_000, endMs: 20_000 },
      { index: 2, startMs: 20_000, endMs: 25_000 },
    ]);
    expect(
      planPieces(9_000, [{ startMs: 4_000, endMs: 5_000 }], {
        targetMs: 4_000,
        maxMs: 10_000,
        minMs: 1_000,
      }),
    ).toHaveLength(1);
  });

  it("reads an unfinished trailing silence", () => {
    expect(
      parseSilences(
        "[silencedetect] silence_start: 1.5\n[silencedetect] silence_end: 2.25 | silence_duration: 0.75\nsilence_start: 9",
        10_000,
      ),
    ).toEqual([
      { startMs: 1_500, endMs: 2_250 },
      { startMs: 9_000, endMs: 10_000 },
    ]);
  });

  it("says ffmpeg is missing in words that name FFMPEG_PATH and the package", async () => {
    const missing = checkFfmpeg("/nonexistent/ffmpeg");
    await expect(missing).rejects.toBeInstanceOf(FfmpegMissingError);
    await expect(missing).rejects.toThrow(
      /FFMPEG_PATH=\/nonexistent\/ffmpeg.*apt-get install ffmpeg/,
    );
    await expect(normalizeAudio("/nonexistent/ffmpeg", "x", "y")).rejects.toBeInstanceOf(
      FfmpegMissingError,
    );
    expect(await checkFfmpeg("ffmpeg")).toMatch(/^ffmpeg version/);
  });
});

describe("pocketsphinx output", () => {
  it("becomes clean segments: no fillers, no pronunciation variants", () => {
    const stdout = [
      "today we will look",
      "<s> 0.100 0.160 1.000300",
      "today 0.170 0.520 0.667746",
      "<sil> 0.530 0.600 1.0",
      "[NOISE] 0.600 0.680 1.0",
      "we(2) 0.690 0.930 0.989752",
      "</s> 0.940 1.000 1.000000",
      "look at",
      "<s> 2.000 2.100 1.0",
      "look 2.100 2.400 0.9",
      "at 2.400 2.500 0.9",
      "++GARBAGE++ 2.500 2.600 0.9",
      "</s> 2.600 2.700 1.0",
    ].join("\n");
    expect(parsePocketsphinx(stdout)).toEqual([
      {
        startMs: 170,
        endMs: 930,
        text: "today we",
        words: [
          { word: "today", startMs: 170, endMs: 520 },
          { word: "we", startMs: 690, endMs: 930 },
        ],
      },
      {
        startMs: 2_100,
        endMs: 2_500,
        text: "look at",
        words: [
          { word: "look", startMs: 2_100, endMs: 2_400 },
          { word: "at", startMs: 2_400, endMs: 2_500 },
        ],
      },
    ]);
  });
});
