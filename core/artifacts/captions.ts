/*
 * Captions from word timings: cues of at most two lines of 42 characters and
 * 7 seconds (the usual broadcast limits), never across two segments (a
 * speaker's turn), written as WebVTT and SRT; and a WebVTT reader, so what we
 * write can be checked by reading it back.
 */

export interface Cue {
  startMs: number;
  endMs: number;
  lines: string[];
}

export const cueLimits = { lineChars: 42, lines: 2, durationMs: 7_000 };

type Word = { word: string; startMs: number; endMs: number };

/** A segment's words, or its text spread evenly over its time when it has no word timings. */
function wordsOf(segment: {
  startMs: number;
  endMs: number;
  text: string;
  words?: readonly Word[] | null;
}) {
  if (segment.words && segment.words.length > 0) return segment.words.filter((w) => w.word.trim());
  const words = segment.text.split(/\s+/).filter(Boolean);
  const step = (segment.endMs - segment.startMs) / Math.max(1, words.length);
  return words.map((word, i) => ({
    word,
    startMs: Math.round(segment.startMs + i * step),
    endMs: Math.round(segment.startMs + (i + 1) * step),
  }));
}

/** Words too long for a line are cut to fit. */
function pieces(word: Word, max: number): Word[] {
  const text = word.word.trim();
  if (text.length <= max) return [{ ...word, word: text }];
  const out: Word[] = [];
  for (let i = 0; i < text.length; i += max) out.push({ ...word, word: text.slice(i, i + max) });
  return out;
}

/** Greedy line filling: `words` laid out in lines of at most `max` characters. */
function layout(words: readonly string[], max: number): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= max)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function buildCues(
  segments: readonly {
    startMs: number;
    endMs: number;
    text: string;
    words?: readonly Word[] | null;
  }[],
  limits = cueLimits,
): Cue[] {
  const cues: Cue[] = [];
  for (const segment of [...segments].sort((a, b) => a.startMs - b.startMs)) {
    const words = wordsOf(segment).flatMap((w) => pieces(w, limits.lineChars));
    let current: Word[] = [];
    const flush = () => {
      if (current.length === 0) return;
      cues.push({
        startMs: current[0]!.startMs,
        endMs: Math.max(current.at(-1)!.endMs, current[0]!.startMs + 1),
        lines: layout(
          current.map((w) => w.word),
          limits.lineChars,
        ),
      });
      current = [];
    };
    for (const word of words) {
      const candidate = [...current, word];
      const fits =
        layout(
          candidate.map((w) => w.word),
          limits.lineChars,
        ).length <= limits.lines &&
        word.endMs - (current[0]?.startMs ?? word.startMs) <= limits.durationMs;
      if (!fits) flush();
      current.push(word);
    }
    flush();
  }
  // Cues never overlap: one ends where the next starts.
  for (let i = 0; i < cues.length - 1; i++)
    cues[i]!.endMs = Math.max(cues[i]!.startMs + 1, Math.min(cues[i]!.endMs, cues[i + 1]!.startMs));
  return cues;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function timestamp(ms: number, separator: "." | ","): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(total % 1000, 3)}`;
}

/** Cue text may not hold `-->` or a blank line; `&` and `<` are escaped. */
const vttText = (line: string) =>
  line.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/-->/g, "->");

export function toVtt(cues: readonly Cue[]): string {
  const body = cues.map(
    (cue, i) =>
      `${i + 1}\n${timestamp(cue.startMs, ".")} --> ${timestamp(cue.endMs, ".")}\n${cue.lines.map(vttText).join("\n")}\n`,
  );
  return ["WEBVTT\n", ...body].join("\n");
}

export function toSrt(cues: readonly Cue[]): string {
  return cues
    .map(
      (cue, i) =>
        `${i + 1}\n${timestamp(cue.startMs, ",")} --> ${timestamp(cue.endMs, ",")}\n${cue.lines.join("\n")}\n`,
    )
    .join("\n");
}

const TIME = /^(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})$/;

function parseTime(text: string): number {
  const m = TIME.exec(text.trim());
  if (!m) throw new Error(`Not a WebVTT timestamp: ${JSON.stringify(text)}`);
  return Number(m[1] ?? 0) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3]) * 1000 + Number(m[4]);
}

/** A WebVTT file's cues; throws on what the format does not allow. */
export function parseVtt(text: string): Cue[] {
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n{2,}/);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(blocks[0]!.split("\n")[0]!)) {
    throw new Error("A WebVTT file starts with WEBVTT.");
  }
  const cues: Cue[] = [];
  for (const block of blocks.slice(1)) {
    const lines = block.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
    if (lines.length === 0 || lines.every((l) => l === "")) continue;
    if (/^(NOTE|STYLE|REGION)\b/.test(lines[0]!)) continue;
    const timing = lines.findIndex((l) => l.includes("-->"));
    if (timing < 0 || timing > 1)
      throw new Error(`A cue without timings: ${JSON.stringify(block)}`);
    const [start, rest] = lines[timing]!.split("-->") as [string, string];
    const startMs = parseTime(start);
    const endMs = parseTime(rest.trim().split(/\s+/)[0]!);
    if (endMs <= startMs) throw new Error(`A cue that ends before it starts: ${lines[timing]}`);
    cues.push({
      startMs,
      endMs,
      lines: lines
        .slice(timing + 1)
        .map((l) => l.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")),
    });
  }
  return cues;
}
