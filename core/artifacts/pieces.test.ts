import { describe, expect, it } from "vitest";
import { mergePieces, PieceFailedError, splitSegments, transcribePieces } from "./pieces";
import type { Segment } from "./transcriber";

const seg = (startMs: number, endMs: number, words: [string, number, number][]): Segment => ({
  startMs,
  endMs,
  text: words.map((w) => w[0]).join(" "),
  words: words.map(([word, s, e]) => ({ word, startMs: s, endMs: e })),
});

describe("merging pieces", () => {
  it("moves each piece's segments by its start and keeps them in order", () => {
    const merged = mergePieces([
      {
        piece: { index: 1, startMs: 10_000, endMs: 20_000 },
        segments: [seg(500, 1_500, [["two", 500, 1_500]])],
      },
      {
        piece: { index: 0, startMs: 0, endMs: 10_000 },
        segments: [seg(100, 900, [["one", 100, 900]])],
      },
    ]);
    expect(merged).toEqual([
      seg(100, 900, [["one", 100, 900]]),
      seg(10_500, 11_500, [["two", 10_500, 11_500]]),
    ]);
  });

  it("keeps words inside their piece", () => {
    const [only] = mergePieces([
      {
        piece: { index: 0, startMs: 5_000, endMs: 6_000 },
        segments: [seg(0, 2_000, [["late", 800, 2_000]])],
      },
    ]);
    expect(only!.words[0]).toEqual({ word: "late", startMs: 5_800, endMs: 6_000 });
    expect(only!.endMs).toBe(6_000);
  });
});

describe("running pieces", () => {
  const pieces = [0, 1, 2, 3, 4].map((i) => ({
    index: i,
    startMs: i * 1_000,
    endMs: (i + 1) * 1_000,
  }));

  it("runs at most `parallel` at once, reports each, and merges with offsets", async () => {
    let running = 0;
    let most = 0;
    const progress: number[] = [];
    const merged = await transcribePieces({
      pieces,
      parallel: 2,
      async transcribe(piece) {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 10 * (5 - piece.index)));
        running--;
        return [seg(100, 200, [[`w${piece.index}`, 100, 200]])];
      },
      onPieceDone: (done) => void progress.push(done),
    });
    expect(most).toBe(2);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(merged.map((s) => [s.text, s.startMs])).toEqual([
      ["w0", 100],
      ["w1", 1_100],
      ["w2", 2_100],
      ["w3", 3_100],
      ["w4", 4_100],
    ]);
  });

  it("retries a failed piece alone, then gives up with the piece named", async () => {
    const tries = new Map<number, number>();
    const flaky = await transcribePieces({
      pieces,
      parallel: 3,
      retries: 2,
      async transcribe(piece, attempt) {
        tries.set(piece.index, attempt);
        if (piece.index === 2 && attempt < 3) throw new Error("engine crashed");
        return [];
      },
    });
    expect(flaky).toEqual([]);
    expect([...tries.entries()].sort()).toEqual([
      [0, 1],
      [1, 1],
      [2, 3],
      [3, 1],
      [4, 1],
    ]);

    const failing = transcribePieces({
      pieces,
      parallel: 2,
      retries: 2,
      async transcribe(piece) {
        if (piece.index === 1) throw new Error("engine crashed");
        return [];
      },
    });
    await expect(failing).rejects.toBeInstanceOf(PieceFailedError);
    await expect(failing).rejects.toThrow(/piece 2 .* failed 3 times: engine crashed/);
  });
});

describe("segments", () => {
  it("are cut at pauses and at a length limit", () => {
    const long = seg(0, 30_000, [
      ["a", 0, 400],
      ["b", 500, 900],
      ["c", 2_000, 2_400],
      ["d", 2_500, 14_000],
      ["e", 14_100, 17_500],
    ]);
    expect(splitSegments([long], { pauseMs: 700, maxMs: 15_000 }).map((s) => s.text)).toEqual([
      "a b",
      "c d",
      "e",
    ]);
  });
});
