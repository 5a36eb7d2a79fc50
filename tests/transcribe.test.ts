import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeAudio, planPieces, writeWavSlice } from "../core/artifacts/audio";
import { openaiTranscriber, TranscribeError } from "../core/artifacts/openaiTranscriber";
import { transcribePieces } from "../core/artifacts/pieces";
import { pocketsphinxTranscriber, vocabularyCoverage } from "../core/artifacts/pocketsphinx";
import { textOf } from "../core/artifacts/transcriber";
import { wordErrorRate } from "../core/artifacts/wer";
import { joinWavs, speak } from "./support/speech";
import { startTranscribeStandIn, type TranscribeStandIn } from "./support/transcribeStandIn";

/**
 * A known text in two flite voices (slt; kal16, flite's 16 kHz kal: the 8 kHz `kal` is
 * telephone-band and pocketsphinx's 16 kHz model misses most of it) with a second
 * of silence between, about 40 words.
 */
const LESSON = [
  "Today we will study how plants make their food. Leaves take in carbon dioxide from the air and water from the soil.",
  "Using the energy of sunlight the plant turns them into sugar and gives off oxygen that we breathe.",
];

let dir: string;
let wav: string;
let durationMs: number;
let silences: { startMs: number; endMs: number }[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lectern-transcribe-"));
  const joined = await joinWavs([await speak(LESSON[0]!, "slt"), await speak(LESSON[1]!, "kal16")]);
  wav = path.join(dir, "lesson.wav");
  ({ durationMs, silences } = await normalizeAudio("ffmpeg", joined, wav));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("pocketsphinx on real speech", () => {
  it("hears two voices through normalise, split and merge, within the WER bound", async () => {
    const pieces = planPieces(durationMs, silences, {
      targetMs: 8_000,
      maxMs: 12_000,
      minMs: 3_000,
    });
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    const engine = pocketsphinxTranscriber();
    const done: number[] = [];
    const segments = await transcribePieces({
      pieces,
      parallel: 2,
      async transcribe(piece) {
        const file = path.join(dir, `piece-${piece.index}.wav`);
        await writeWavSlice(wav, piece, file);
        return engine.transcribe({ wavPath: file, durationMs: piece.endMs - piece.startMs });
      },
      onPieceDone: (n) => void done.push(n),
    });
    expect(done).toEqual(pieces.map((_, i) => i + 1));

    const heard = segments.map((s) => s.text).join(" ");
    const { wer } = wordErrorRate(LESSON.join(" "), heard);
    console.error(`pocketsphinx: WER ${wer.toFixed(3)} over ${pieces.length} pieces: ${heard}`);
    expect(wer).toBeLessThan(0.35);

    const words = segments.flatMap((s) => s.words);
    for (const [i, w] of words.entries()) {
      expect(w.word).toMatch(/^[a-z']+$/); // clean: no <sil>, [NOISE], (2)
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
      expect(w.endMs).toBeLessThanOrEqual(durationMs);
      if (i > 0) expect(w.startMs).toBeGreaterThanOrEqual(words[i - 1]!.startMs);
    }
    for (const s of segments) expect(s.text).toBe(textOf(s.words));
    // The second voice starts after the silence: the later pieces' words are on the recording's clock.
    const second = words.find((w) => w.word === "sunlight" || w.word === "oxygen");
    expect(second?.startMs).toBeGreaterThan(silences[0]!.startMs);
    expect(words.filter((w) => w.startMs >= pieces[1]!.startMs).length).toBeGreaterThan(0);
  });

  it("checks the class's words against its dictionary", async () => {
    const { known, unknown } = await vocabularyCoverage([
      "Photosynthesis",
      "chloroplast",
      "Lectern",
      "thylakoidz",
    ]);
    expect(known).toEqual(["photosynthesis", "chloroplast", "lectern"]);
    expect(unknown).toEqual(["thylakoidz"]);
  });
});

describe("OpenAI-compatible transcription against the stand-in", () => {
  let standIn: TranscribeStandIn;
  beforeAll(async () => {
    standIn = await startTranscribeStandIn();
  });
  afterAll(() => standIn.close());
  const client = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    openaiTranscriber({
      url: standIn.url,
      apiKey: "apiKey" in options ? options.apiKey : standIn.apiKey,
      model: "whisper-1",
      timeoutMs: options.timeoutMs ?? 5_000,
    });

  it("uploads the piece as multipart and reads verbose_json into segments with words", async () => {
    standIn.answer({
      text: "Today we will study plants. Leaves take in water.",
      segments: [
        { start: 0.2, end: 2.1, text: " Today we will study plants." },
        { start: 2.5, end: 4.0, text: " Leaves take in water." },
      ],
      words: [
        ["Today", 0.2, 0.5],
        ["we", 0.5, 0.7],
        ["will", 0.7, 0.9],
        ["study", 0.9, 1.4],
        ["plants", 1.4, 2.1],
        ["Leaves", 2.5, 2.9],
        ["take", 2.9, 3.2],
        ["in", 3.2, 3.4],
        ["water", 3.4, 4.0],
      ].map(([word, start, end]) => ({
        word: word as string,
        start: start as number,
        end: end as number,
      })),
    });
    const segments = await client().transcribe({
      wavPath: wav,
      durationMs,
      vocabulary: ["photosynthesis", "chloroplast"],
    });
    const call = standIn.calls.at(-1)!;
    expect(call.authorization).toBe(`Bearer ${standIn.apiKey}`);
    expect(call.fields).toEqual({
      model: ["whisper-1"],
      response_format: ["verbose_json"],
      "timestamp_granularities[]": ["word", "segment"],
      prompt: ["photosynthesis, chloroplast"],
    });
    expect(call.file).toMatchObject({ name: "lesson.wav", type: "audio/wav" });
    expect(call.file!.header.startsWith("RIFF")).toBe(true);
    expect(segments).toHaveLength(2);
    expect(segments[0]).toMatchObject({
      startMs: 200,
      endMs: 2_100,
      text: "Today we will study plants.",
    });
    expect(segments[0]!.words.map((w) => w.word)).toEqual([
      "Today",
      "we",
      "will",
      "study",
      "plants",
    ]);
    expect(segments[1]!.words[0]).toEqual({ word: "Leaves", startMs: 2_500, endMs: 2_900 });
  });

  it("says a refused key, a failing server and a hang as typed errors", async () => {
    const refused = client({ apiKey: "wrong" }).transcribe({ wavPath: wav, durationMs });
    await expect(refused).rejects.toMatchObject({
      name: "TranscribeError",
      code: "unauthorized",
      status: 401,
    });

    standIn.failNext(500, "model overloaded");
    const failed = client().transcribe({ wavPath: wav, durationMs });
    await expect(failed).rejects.toBeInstanceOf(TranscribeError);
    await expect(failed).rejects.toMatchObject({ code: "server_error", status: 500 });
    await expect(failed).rejects.toThrow(/model overloaded/);

    standIn.hangNext();
    const started = Date.now();
    const hung = client({ timeoutMs: 500 }).transcribe({ wavPath: wav, durationMs });
    await expect(hung).rejects.toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
