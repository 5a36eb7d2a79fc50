import { describe, expect, it } from "vitest";
import { buildCues, cueLimits, parseVtt, toSrt, toVtt } from "./captions";

const speech =
  "Today we are going to talk about the phases of the moon and why they happen every month, " +
  "which has to do with the angle between the sun the earth and the moon as it goes round";

function segment(startMs: number, text: string, perWordMs = 350) {
  const words = text.split(" ").map((word, i) => ({
    word,
    startMs: startMs + i * perWordMs,
    endMs: startMs + i * perWordMs + perWordMs - 50,
  }));
  return { startMs, endMs: words.at(-1)!.endMs, text, words };
}

describe("captions", () => {
  it("cuts cues of at most two lines of 42 characters and 7 s, covering every word", () => {
    const segments = [
      segment(1_000, speech),
      segment(30_000, "Remember this for the exam & <beyond>"),
    ];
    const cues = buildCues(segments);
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(cueLimits.lines);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(cueLimits.lineChars);
      expect(cue.endMs - cue.startMs).toBeLessThanOrEqual(cueLimits.durationMs);
    }
    expect(cues.flatMap((c) => c.lines).join(" ")).toBe(
      `${speech} Remember this for the exam & <beyond>`,
    );
    // Never across two segments; in time order; never overlapping.
    expect(cues.some((c) => c.lines.join(" ").includes("round Remember"))).toBe(false);
    for (let i = 1; i < cues.length; i++)
      expect(cues[i]!.startMs).toBeGreaterThanOrEqual(cues[i - 1]!.endMs);
    expect(cues[0]!.startMs).toBe(1_000);
  });

  it("splits on time as well as length: slow speech gets short cues", () => {
    const cues = buildCues([segment(0, "one two three four five six seven eight", 2_000)]);
    expect(cues.length).toBeGreaterThan(1);
    expect(cues.every((c) => c.endMs - c.startMs <= 7_000)).toBe(true);
  });

  it("writes WebVTT that parses back to the same cues, and SRT", () => {
    const cues = buildCues([segment(3_723_456, "Remember this for the exam & <beyond> --> now")]);
    const vtt = toVtt(cues);
    expect(vtt.startsWith("WEBVTT\n\n1\n01:02:03.456 --> ")).toBe(true);
    expect(vtt).toContain("&amp; &lt;beyond>");
    expect(parseVtt(vtt)).toEqual(
      cues.map((c) => ({ ...c, lines: c.lines.map((l) => l.replace("-->", "->")) })),
    );
    const srt = toSrt(cues);
    expect(srt.split("\n").slice(0, 2)).toEqual([
      "1",
      `01:02:03,456 --> ${srt.split("\n")[1]!.split(" --> ")[1]}`,
    ]);
    expect(srt).toMatch(/^1\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}\nRemember/);
  });

  it("the parser refuses what is not WebVTT", () => {
    expect(() => parseVtt("1\n00:00:01.000 --> 00:00:02.000\nhi\n")).toThrow(/WEBVTT/);
    expect(() => parseVtt("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n")).toThrow();
    expect(() => parseVtt("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\ncomma\n")).toThrow();
  });
});
