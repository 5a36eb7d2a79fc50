/*
 * Topic shifts in speech, TextTiling-style (Hearst 1997): the words (stopwords
 * out, lightly stemmed) cut into pseudo-sentences, the similarity of the blocks
 * either side of each gap, depth scores, and boundaries at the deep valleys.
 * Used where a slide stays up for long, to split one chapter by what was said.
 */

export interface TimedToken {
  word: string;
  atMs: number;
}

export interface TilingOptions {
  /** Words per pseudo-sentence. */
  sentenceWords?: number;
  /** Pseudo-sentences per block either side of a gap. */
  blockSentences?: number;
  /** Fewest pseudo-sentences between two boundaries. */
  minGapSentences?: number;
  /** The shallowest valley (in cosine similarity, 0..2) that is a boundary. */
  minDepth?: number;
}

const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been " +
    "before being below between both but by can can't cannot could couldn't did didn't do does " +
    "doesn't doing don't down during each few for from further get gets getting got had hadn't has " +
    "hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how " +
    "how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more most " +
    "mustn't my myself no nor not now of off on once one only or other ought our ours ourselves out " +
    "over own really right same say says said shan't she she'd she'll she's should shouldn't so " +
    "some such than that that's the their theirs them themselves then there there's these they " +
    "they'd they'll they're they've thing things this those through to too under until up uh um " +
    "very was wasn't we we'd we'll we're we've well were weren't what what's when when's where " +
    "where's which while who who's whom why why's will with won't would wouldn't yeah yes you " +
    "you'd you'll you're you've your yours yourself yourselves okay ok going know think see look " +
    "want go make way lot kind sort actually basically"
  ).split(" "),
);

/** Lower-cased content words, stopwords removed, a light suffix strip so "cells" meets "cell". */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z']*/g) ?? [])
    .map((w) => w.replace(/'s$/, ""))
    .filter((w) => w.length > 2 && !STOPWORDS.has(w))
    .map(stem);
}

export function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Timed content tokens of a stretch of speech (word timings, else spread over the segment). */
export function timedTokens(
  segments: readonly {
    startMs: number;
    endMs: number;
    text: string;
    words?: readonly { word: string; startMs: number }[];
  }[],
): TimedToken[] {
  const out: TimedToken[] = [];
  for (const segment of segments) {
    if (segment.words && segment.words.length > 0) {
      for (const w of segment.words)
        for (const word of contentWords(w.word)) out.push({ word, atMs: w.startMs });
    } else {
      const words = contentWords(segment.text);
      const step = (segment.endMs - segment.startMs) / Math.max(1, words.length);
      words.forEach((word, i) => out.push({ word, atMs: Math.round(segment.startMs + i * step) }));
    }
  }
  return out;
}

/** Where the topic shifts: the times of the boundaries found, in order. */
export function topicBoundaries(tokens: readonly TimedToken[], options: TilingOptions = {}) {
  const w = options.sentenceWords ?? 20;
  const k = options.blockSentences ?? 6;
  const minGap = options.minGapSentences ?? 2;
  const sentences: { counts: Map<string, number>; startMs: number }[] = [];
  for (let i = 0; i < tokens.length; i += w) {
    const counts = new Map<string, number>();
    for (const t of tokens.slice(i, i + w)) counts.set(t.word, (counts.get(t.word) ?? 0) + 1);
    sentences.push({ counts, startMs: tokens[i]!.atMs });
  }
  if (sentences.length < 4) return [];

  // Gap g lies before sentence g (1..n-1); its score compares the k sentences either side.
  const gaps: { index: number; score: number }[] = [];
  for (let g = 1; g < sentences.length; g++) {
    const left = sum(sentences.slice(Math.max(0, g - k), g).map((s) => s.counts));
    const right = sum(sentences.slice(g, g + k).map((s) => s.counts));
    gaps.push({ index: g, score: cosine(left, right) });
  }
  // Smoothed (a moving average of three), so one odd sentence is not a valley.
  const raw = gaps.map((g) => g.score);
  gaps.forEach((gap, i) => {
    const near = raw.slice(Math.max(0, i - 1), i + 2);
    gap.score = near.reduce((a, b) => a + b, 0) / near.length;
  });
  const depths = gaps.map((gap, i) => {
    let leftPeak = gap.score;
    for (let j = i - 1; j >= 0 && gaps[j]!.score >= leftPeak; j--) leftPeak = gaps[j]!.score;
    let rightPeak = gap.score;
    for (let j = i + 1; j < gaps.length && gaps[j]!.score >= rightPeak; j++)
      rightPeak = gaps[j]!.score;
    // Only a valley (no lower neighbour) can be a boundary; its slopes are not.
    const valley =
      (i === 0 || gaps[i - 1]!.score >= gap.score) &&
      (i === gaps.length - 1 || gaps[i + 1]!.score >= gap.score);
    const depth = leftPeak - gap.score + (rightPeak - gap.score);
    return { index: gap.index, depth: valley ? depth : 0 };
  });
  const values = depths.map((d) => d.depth);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const cutoff = Math.max(mean - sd / 2, options.minDepth ?? 0.25);

  // Deepest valleys first; none closer than minGap sentences to another or to the ends.
  const chosen: number[] = [];
  for (const d of [...depths].sort((a, b) => b.depth - a.depth)) {
    if (d.depth < cutoff) break;
    if (d.index < minGap || sentences.length - d.index < minGap) continue;
    if (chosen.some((c) => Math.abs(c - d.index) < minGap)) continue;
    chosen.push(d.index);
  }
  return chosen.sort((a, b) => a - b).map((index) => sentences[index]!.startMs);
}

function sum(maps: Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of maps) for (const [w, n] of m) out.set(w, (out.get(w) ?? 0) + n);
  return out;
}

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [w, n] of a) dot += n * (b.get(w) ?? 0);
  const norm = (m: Map<string, number>) =>
    Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot / denominator;
}
