import { describe, expect, it } from "vitest";
import { wordErrorRate } from "./wer";

describe("word error rate", () => {
  it("is zero for the same words, whatever the case and punctuation", () => {
    expect(wordErrorRate("Plants make sugar.", "plants make  sugar").wer).toBe(0);
  });

  it("counts substitutions, deletions and insertions over the reference", () => {
    const r = wordErrorRate("the cat sat on the mat", "the bat sat the mat today");
    expect(r).toEqual({
      wer: 3 / 6,
      substitutions: 1,
      deletions: 1,
      insertions: 1,
      referenceWords: 6,
    });
  });

  it("is one for nothing heard", () => {
    expect(wordErrorRate("three words here", "").wer).toBe(1);
  });
});
