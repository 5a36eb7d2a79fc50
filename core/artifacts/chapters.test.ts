import { describe, expect, it } from "vitest";
import type { ClassTimeline, TimelineSpan } from "./alignment";
import { deriveChapters, slideKey, type ChapterInput } from "./chapters";

const deck = "d0000000-0000-4000-8000-000000000001";
const slidesScene = "5ce9e000-0000-4000-8000-000000000002";
const boardScene = "5ce9e000-0000-4000-8000-000000000003";
const s = 1000;

function timeline(spans: [number, Partial<TimelineSpan>][], endMs: number): ClassTimeline {
  return {
    startedAt: new Date(0),
    endMs,
    spans: spans.map(([startMs, span], i) => ({
      startMs,
      endMs: spans[i + 1]?.[0] ?? endMs,
      sceneId: null,
      deckId: null,
      page: null,
      ...span,
    })),
  };
}

const input = (t: ClassTimeline, extra: Partial<ChapterInput> = {}): ChapterInput => ({
  timeline: t,
  scenes: new Map([
    [slidesScene, { name: "Slides + camera", layout: "slides" }],
    [boardScene, { name: "Whiteboard", layout: "whiteboard" }],
  ]),
  slideTitles: new Map([
    [slideKey(deck, 1), "Cells"],
    [slideKey(deck, 2), "Membranes"],
    [slideKey(deck, 3), "Mitochondria"],
  ]),
  deckNames: new Map([[deck, "Biology.pdf"]]),
  classTitle: "Biology 101",
  segments: [],
  ...extra,
});

describe("chapters from slide and scene changes", () => {
  it("cuts at each change, titled from the slide's text or the scene's name", () => {
    const chapters = deriveChapters(
      input(
        timeline(
          [
            [0, {}],
            [60 * s, { deckId: deck, page: 1 }],
            [120 * s, { deckId: deck, page: 2 }],
            [200 * s, { deckId: deck, page: 2, sceneId: boardScene }],
            [260 * s, { deckId: deck, page: 4, sceneId: slidesScene }],
          ],
          300 * s,
        ),
      ),
    );
    expect(chapters).toEqual([
      { startMs: 0, endMs: 60 * s, title: "Biology 101", source: "class" },
      { startMs: 60 * s, endMs: 120 * s, title: "Cells", source: "slide" },
      { startMs: 120 * s, endMs: 200 * s, title: "Membranes", source: "slide" },
      { startMs: 200 * s, endMs: 260 * s, title: "Whiteboard", source: "scene" },
      // No text on that page: the deck's name and the page.
      { startMs: 260 * s, endMs: 300 * s, title: "Biology.pdf, slide 4", source: "slide" },
    ]);
  });

  it("merges dwells under 20 s into the chapter before (the first, into the one after)", () => {
    const chapters = deriveChapters(
      input(
        timeline(
          [
            [0, {}],
            [5 * s, { deckId: deck, page: 1 }],
            [90 * s, { deckId: deck, page: 2 }],
            [100 * s, { deckId: deck, page: 3 }],
            [200 * s, { deckId: deck, page: 1 }],
            [205 * s, { deckId: deck, page: 3 }],
          ],
          300 * s,
        ),
      ),
    );
    expect(chapters.map((c) => [c.startMs / s, c.endMs / s, c.title])).toEqual([
      [0, 100, "Cells"],
      [100, 300, "Mitochondria"],
    ]);
  });

  it("folds a revisit into the chapter it interrupts", () => {
    const chapters = deriveChapters(
      input(
        timeline(
          [
            [0, { deckId: deck, page: 1 }],
            [60 * s, { deckId: deck, page: 2 }],
            [120 * s, { deckId: deck, page: 1 }],
            [180 * s, { deckId: deck, page: 3 }],
          ],
          240 * s,
        ),
      ),
    );
    expect(chapters.map((c) => [c.startMs / s, c.endMs / s, c.title])).toEqual([
      [0, 60, "Cells"],
      [60, 180, "Membranes"],
      [180, 240, "Mitochondria"],
    ]);
  });

  it("splits a slide kept up over 5 minutes where the speech changes topic", () => {
    const words = (vocabulary: string[], from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        word: vocabulary[(i * 7) % vocabulary.length]!,
        startMs: from + i * 1000,
        endMs: from + i * 1000 + 800,
      }));
    const cells = "cell membrane nucleus protein ribosome enzyme organelle cytoplasm".split(" ");
    const rome = "empire senate caesar legion republic consul province forum".split(" ");
    const first = words(cells, 0, 300);
    const second = words(rome, 300 * s, 300);
    const segments = [first, second].map((w) => ({
      startMs: w[0]!.startMs,
      endMs: w.at(-1)!.endMs,
      text: w.map((x) => x.word).join(" "),
      words: w,
    }));
    const one = timeline([[0, { deckId: deck, page: 1 }]], 600 * s);
    const chapters = deriveChapters(input(one, { segments }));
    expect(chapters).toHaveLength(2);
    expect(Math.abs(chapters[1]!.startMs - 300 * s)).toBeLessThanOrEqual(30 * s);
    expect(chapters[0]!.title).toBe("Cells");
    expect(chapters[1]).toMatchObject({ source: "topic", endMs: 600 * s });
    expect(chapters[1]!.title).toMatch(/^Cells: /);
    // Without speech, or under 5 minutes, it stays whole.
    expect(deriveChapters(input(one))).toHaveLength(1);
    expect(deriveChapters(input(one, { segments }), { longMs: 700 * s })).toHaveLength(1);
  });
});
