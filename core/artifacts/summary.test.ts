import { afterEach, describe, expect, it } from "vitest";
import { startSummaryStandIn } from "../../tests/support/summaryStandIn";
import type { Chapter } from "./chapters";
import type { Highlight } from "./highlights";
import { extractiveSummary, modelSummary, type SummaryInput } from "./summary";

const s = 1000;
const chapters: Chapter[] = [
  { startMs: 0, endMs: 60 * s, title: "Photosynthesis", source: "slide" },
  { startMs: 60 * s, endMs: 120 * s, title: "Respiration", source: "slide" },
];
const segments = [
  { startMs: 1 * s, endMs: 5 * s, text: "Good morning everyone, nice to see you all." },
  {
    startMs: 6 * s,
    endMs: 12 * s,
    text: "Chlorophyll captures light so the plant makes sugar from light and water.",
  },
  {
    startMs: 13 * s,
    endMs: 20 * s,
    text: "Light reactions happen in the thylakoid, light drives chlorophyll.",
  },
  {
    startMs: 61 * s,
    endMs: 70 * s,
    text: "Respiration burns sugar with oxygen in the mitochondria.",
  },
  { startMs: 71 * s, endMs: 80 * s, text: "The weather is lovely today outside." },
];
const highlights: Highlight[] = [
  {
    kind: "question",
    startMs: 30 * s,
    endMs: 40 * s,
    title: "Why green?",
    score: 0.8,
    sequence: 1,
  },
  {
    kind: "poll",
    startMs: 90 * s,
    endMs: 100 * s,
    title: "Where does respiration happen?: mitochondria (3 of 4)",
    score: 0.7,
    sequence: 2,
  },
];
const input: SummaryInput = { chapters, segments, highlights };

describe("the summary", () => {
  it("extractive: each chapter's key sentences by term weight, its questions and polls", () => {
    const summary = extractiveSummary(input, 1);
    expect(summary.source).toBe("extractive");
    expect(summary.chapterRefs).toEqual([0, 1]);
    expect(summary.sections.map((x) => x.text)).toEqual([
      "Light reactions happen in the thylakoid, light drives chlorophyll.",
      "Respiration burns sugar with oxygen in the mitochondria.",
    ]);
    expect(summary.sections[0]!.questions).toEqual(["Why green?"]);
    expect(summary.sections[1]!.polls).toEqual([
      "Where does respiration happen?: mitochondria (3 of 4)",
    ]);
    expect(summary.body).toContain("1. Photosynthesis (0:00)");
    expect(summary.body).toContain("2. Respiration (1:00)\nRespiration burns sugar");
    expect(summary.body).toContain("Question: Why green?");
  });

  it("without a transcript: chapter titles, questions and polls", () => {
    const summary = extractiveSummary({ chapters, segments: [], highlights });
    expect(summary.body).toBe(
      "1. Photosynthesis (0:00)\nQuestion: Why green?\n\n2. Respiration (1:00)\nPoll: Where does respiration happen?: mitochondria (3 of 4)",
    );
  });

  describe("from a model", () => {
    let close: (() => Promise<void>) | undefined;
    afterEach(() => close?.());

    it("written by the chat endpoint (stand-in), anchored to chapters", async () => {
      const standIn = await startSummaryStandIn("answer");
      close = standIn.close;
      const summary = await modelSummary(input, { url: standIn.url, apiKey: "k", model: "m" });
      expect(summary).toMatchObject({ source: "model", chapterRefs: [0, 1] });
      expect(summary.fallback).toBeUndefined();
      expect(summary.sections.map((x) => x.text)).toEqual([
        "Model summary of Photosynthesis.",
        "Model summary of Respiration.",
      ]);
      expect(standIn.requests[0]).toMatchObject({
        authorization: "Bearer k",
        body: { model: "m" },
      });
      expect(standIn.requests[0]!.body.messages.at(-1)!.content).toContain("Why green?");
    });

    it.each(["fail", "garbage"] as const)(
      "falls back to extractive when the stand-in answers %s, and says so",
      async (behaviour) => {
        const standIn = await startSummaryStandIn(behaviour);
        close = standIn.close;
        const summary = await modelSummary(input, { url: standIn.url, model: "m" });
        expect(summary.source).toBe("extractive");
        expect(summary.fallback).toMatch(/^summary model failed: /);
        expect(summary.body).toBe(extractiveSummary(input).body);
      },
    );
  });
});
