import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/*
 * Real speech for tests, from Debian's flite (no recordings in the repo):
 * `speak` says a text in one of flite's voices (slt, kal, awb, rms…),
 * `joinWavs` puts files one after another with silence between, as one
 * 16 kHz mono WAV.
 */

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "lectern-speech-"));
let counter = 0;
const next = (name: string) => path.join(dir, `${++counter}-${name}`);

export async function speak(text: string, voice = "slt"): Promise<string> {
  const out = next(`${voice}.wav`);
  await run("flite", ["-voice", voice, "-t", text, "-o", out]);
  return out;
}

/** The files in order, `silenceMs` of silence between each two, as 16 kHz mono s16 WAV. */
export async function joinWavs(
  files: string[],
  { silenceMs = 1_000, output = next("joined.wav") } = {},
): Promise<string> {
  const inputs = files.flatMap((f) => ["-i", f]);
  const silence = ["-f", "lavfi", "-t", String(silenceMs / 1000), "-i", "anullsrc=r=16000:cl=mono"];
  const norm = (i: number) =>
    `[${i}:a]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono[a${i}]`;
  const gap = files.length;
  const chain: string[] = [];
  files.forEach((_, i) => {
    chain.push(`[a${i}]`);
    if (i < files.length - 1) chain.push(`[g${i}]`);
  });
  const gaps = files
    .slice(0, -1)
    .map(
      (_, i) =>
        `[${gap}:a]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,asetpts=N/SR/TB[s${i}]`,
    );
  // One silence input, split as many times as there are gaps.
  const split =
    files.length > 1
      ? [
          `[s0]asplit=${files.length - 1}${files
            .slice(0, -1)
            .map((_, i) => `[g${i}]`)
            .join("")}`,
        ]
      : [];
  const filter = [
    ...files.map((_, i) => norm(i)),
    ...gaps.slice(0, 1),
    ...split,
    `${chain.join("")}concat=n=${chain.length}:v=0:a=1[out]`,
  ].join(";");
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-y", ...inputs, ...silence],
    ...[
      "-filter_complex",
      filter,
      "-map",
      "[out]",
      "-ac",
      "1",
      "-ar",
      "16000",
      "-c:a",
      "pcm_s16le",
      output,
    ],
  ]);
  return output;
}

/** A WAV (or anything ffmpeg reads) as a browser would upload it: webm/opus. */
export async function asWebm(file: string): Promise<string> {
  const out = next("recording.webm");
  await run("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-i",
    file,
    "-c:a",
    "libopus",
    "-b:a",
    "32k",
    out,
  ]);
  return out;
}
