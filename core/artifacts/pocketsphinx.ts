import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Segment, Transcriber, TranscribeInput, Word } from "./transcriber";
import { textOf } from "./transcriber";

/*
 * The offline engine: CMU PocketSphinx from Debian's packages
 * (`pocketsphinx_continuous`, 5prealpha, model pocketsphinx-en-us), run as a
 * child process per piece. `-time yes` prints each utterance's hypothesis and
 * then one line per word: `word start end confidence`, in seconds.
 *
 * Vocabulary: pocketsphinx can only say words its dictionary has, and its
 * language model is a 30 MB binary we cannot bias cheaply; keyword spotting
 * (-kws) is a different search that prints only the keyphrases, so it would
 * need a second pass over the audio. So the class's words are checked against
 * the dictionary (`vocabularyCoverage`), which says what it cannot recognise,
 * and are otherwise left to the language model.
 */

const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

export interface PocketsphinxOptions {
  binary?: string;
  hmm?: string;
  lm?: string;
  dict?: string;
}

export class PocketsphinxError extends Error {
  override name = "PocketsphinxError";
}

export function pocketsphinxTranscriber(options: PocketsphinxOptions = {}): Transcriber {
  const binary = options.binary ?? "pocketsphinx_continuous";
  const hmm = options.hmm ?? `${MODEL_DIR}/en-us`;
  const lm = options.lm ?? `${MODEL_DIR}/en-us.lm.bin`;
  const dict = options.dict ?? `${MODEL_DIR}/cmudict-en-us.dict`;
  return {
    engine: "pocketsphinx",
    async transcribe(input: TranscribeInput): Promise<Segment[]> {
      const args = [
        "-infile",
        input.wavPath,
        "-time",
        "yes",
        "-hmm",
        hmm,
        "-lm",
        lm,
        "-dict",
        dict,
      ];
      const { stdout } = await run(binary, args, input.signal);
      return parsePocketsphinx(stdout, input.durationMs);
    },
  };
}

/** Fillers and markers: <s>, </s>, <sil>, [NOISE], [SPEECH], ++GARBAGE++. */
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;
/** `word start end confidence`. */
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;

/** `-time yes` output → one segment per utterance, words clean (no fillers, no `(2)` variants). */
export function parsePocketsphinx(stdout: string, durationMs = Infinity): Segment[] {
  const segments: Segment[] = [];
  let words: Word[] = [];
  const flush = () => {
    if (words.length) {
      segments.push({
        startMs: words[0]!.startMs,
        endMs: words.at(-1)!.endMs,
        text: textOf(words),
        words,
      });
    }
    words = [];
  };
  for (const line of stdout.split("\n")) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) continue;
    const token = match[1]!;
    if (token === "<s>") flush();
    if (FILLER.test(token)) {
      if (token === "</s>") flush();
      continue;
    }
    const word = token.replace(/\(\d+\)$/, "");
    const startMs = Math.min(Math.round(Number(match[2]) * 1000), durationMs);
    const endMs = Math.min(Math.max(Math.round(Number(match[3]) * 1000), startMs), durationMs);
    words.push({ word, startMs, endMs });
  }
  flush();
  return segments;
}

/** Which of the class's words the dictionary knows (the engine can say) and which it cannot. */
export async function vocabularyCoverage(
  vocabulary: readonly string[],
  dict = `${MODEL_DIR}/cmudict-en-us.dict`,
): Promise<{ known: string[]; unknown: string[] }> {
  const entries = new Set(
    (await readFile(dict, "utf8")).split("\n").map((line) => line.split(" ", 1)[0]!),
  );
  const words = [
    ...new Set(vocabulary.map((w) => w.toLowerCase().replace(/[^a-z']/g, "")).filter(Boolean)),
  ];
  return {
    known: words.filter((w) => entries.has(w)),
    unknown: words.filter((w) => !entries.has(w)),
  };
}

function run(binary: string, args: string[], signal?: AbortSignal): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    const out: Buffer[] = [];
    let errTail = "";
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => {
      errTail = (errTail + b.toString()).slice(-2_000);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new PocketsphinxError(
              `${binary} was not found: install it with apt-get install pocketsphinx pocketsphinx-en-us`,
            )
          : error,
      );
    });
    child.on("close", (code, signalName) => {
      if (code === 0) return resolve({ stdout: Buffer.concat(out).toString("utf8") });
      const lastError = errTail
        .split("\n")
        .filter((l) => /ERROR|FATAL/.test(l))
        .at(-1);
      reject(
        new PocketsphinxError(
          `pocketsphinx exited with ${signalName ?? code}${lastError ? `: ${lastError.trim()}` : ""}`,
        ),
      );
    });
  });
}
