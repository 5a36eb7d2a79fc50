import { describe, expect, it } from "vitest";
import { contentWords, topicBoundaries, type TimedToken } from "./textTiling";

/** Sentences drawn from one topic's vocabulary, a word a second. */
function talk(vocabulary: string[], sentences: number, seed: number, fromMs: number): TimedToken[] {
  const out: TimedToken[] = [];
  let x = seed;
  for (let s = 0; s < sentences; s++) {
    const text: string[] = [];
    for (let w = 0; w < 12; w++) {
      x = (x * 9301 + 49297) % 233280;
      text.push(vocabulary[x % vocabulary.length]!);
      text.push(["the", "and", "of", "is", "we"][w % 5]!);
    }
    for (const word of contentWords(text.join(" ")))
      out.push({ word, atMs: fromMs + out.length * 1000 });
  }
  return out;
}

const cells =
  "cell membrane nucleus mitochondria protein ribosome cytoplasm organelle enzyme".split(" ");
const rome = "empire senate caesar legion republic consul augustus province forum".split(" ");

describe("TextTiling", () => {
  it("finds the boundary between two topics, near where the speech changes", () => {
    const first = talk(cells, 20, 7, 0);
    const switchAt = first.length * 1000;
    const second = talk(rome, 20, 11, switchAt).map((t, i) => ({
      ...t,
      atMs: switchAt + i * 1000,
    }));
    const boundaries = topicBoundaries([...first, ...second]);
    expect(boundaries).toHaveLength(1);
    expect(Math.abs(boundaries[0]! - switchAt)).toBeLessThanOrEqual(20_000);
  });

  it("finds none in speech about one thing", () => {
    expect(topicBoundaries(talk(cells, 40, 3, 0))).toEqual([]);
  });

  it("drops stopwords and strips plurals", () => {
    expect(contentWords("The cells and their membranes, um, you know")).toEqual([
      "cell",
      "membrane",
    ]);
  });
});
