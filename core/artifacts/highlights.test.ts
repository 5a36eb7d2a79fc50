import { describe, expect, it } from "vitest";
import {
  cardHighlights,
  chatBursts,
  detectHighlights,
  emphasisHighlights,
  handBursts,
  pollHighlights,
  questionHighlights,
  type Detector,
  type HighlightInput,
  type PlacedEvent,
} from "./highlights";

const s = 1000;
let sequence = 0;
const at = (atMs: number, type: string, payload: object, actorUserId: string | null = null) =>
  ({
    sequence: ++sequence,
    type,
    payload,
    actorUserId,
    atMs,
    occurredAt: new Date(atMs),
  }) as PlacedEvent;
const input = (events: PlacedEvent[], extra: Partial<HighlightInput> = {}): HighlightInput => ({
  events,
  segments: [],
  teachers: new Set(["teacher"]),
  endMs: 3_600 * s,
  ...extra,
});

describe("highlight detectors", () => {
  it("questions: upvoted or answered ones, the top-voted scoring highest, dismissed ones left out", () => {
    const found = questionHighlights(
      input([
        at(10 * s, "question.asked", { questionId: "q1", body: "Why is the sky blue?" }),
        at(20 * s, "question.asked", { questionId: "q2", body: "Is it on the exam?" }),
        at(30 * s, "question.asked", { questionId: "q3", body: "Unanswered, unloved" }),
        at(40 * s, "question.asked", { questionId: "q4", body: "Off topic" }),
        ...["a", "b", "c"].map((u) => at(50 * s, "question.upvoted", { questionId: "q2" }, u)),
        at(55 * s, "question.upvoted", { questionId: "q1" }, "a"),
        at(60 * s, "question.upvoted", { questionId: "q4" }, "a"),
        at(70 * s, "question.dismissed", { questionId: "q4" }),
        at(90 * s, "question.answered", { questionId: "q1", answer: "Rayleigh" }),
      ]),
    );
    expect(found.map((h) => h.title)).toEqual(["Why is the sky blue?", "Is it on the exam?"]);
    const [sky, exam] = found;
    expect(sky).toMatchObject({ startMs: 10 * s, endMs: 90 * s });
    expect(exam!.startMs).toBe(20 * s);
    expect(exam!.score).toBeGreaterThan(sky!.score);
    expect(exam!.score).toBe(0.8);
  });

  it("polls: the result of each closed poll, from open to close, a changed vote counted once", () => {
    const options = [
      { optionId: "o1", label: "4" },
      { optionId: "o2", label: "7" },
    ];
    const found = pollHighlights(
      input([
        at(0, "poll.created", { pollId: "p", prompt: "Which is prime?", options }),
        at(100 * s, "poll.opened", { pollId: "p" }),
        at(110 * s, "poll.voted", { pollId: "p", optionIds: ["o1"] }, "a"),
        at(111 * s, "poll.voted", { pollId: "p", optionIds: ["o2"] }, "a"),
        at(112 * s, "poll.voted", { pollId: "p", optionIds: ["o2"] }, "b"),
        at(113 * s, "poll.voted", { pollId: "p", optionIds: ["o1"] }, "c"),
        at(130 * s, "poll.closed", { pollId: "p", resultsShared: true }),
        at(140 * s, "poll.created", { pollId: "never", prompt: "Draft", options }),
      ]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        kind: "poll",
        startMs: 100 * s,
        endMs: 130 * s,
        title: "Which is prime?: 7 (2 of 3)",
      }),
    ]);
  });

  it("bursts of chat and of hands against the class's own rate", () => {
    // One message a minute all class, then twelve in twenty seconds.
    const steady = Array.from({ length: 60 }, (_, i) =>
      at(i * 60 * s, "chat.posted", { messageId: `m${i}` }),
    );
    const burst = Array.from({ length: 12 }, (_, i) =>
      at(1_000 * s + i * 2 * s, "chat.posted", { messageId: `b${i}` }),
    );
    const found = chatBursts(input([...steady, ...burst].sort((a, b) => a.atMs - b.atMs)));
    expect(found).toHaveLength(1);
    expect(found[0]!.startMs).toBeGreaterThanOrEqual(960 * s);
    expect(found[0]!.startMs).toBeLessThanOrEqual(1_000 * s);
    expect(found[0]!.endMs).toBe(1_022 * s);
    expect(chatBursts(input(steady))).toEqual([]);

    const hands = ["a", "b", "c", "d"].map((u, i) =>
      at(500 * s + i * s, "hand.raised", { userId: u }),
    );
    expect(handBursts(input(hands))).toEqual([
      expect.objectContaining({ kind: "hands_burst", startMs: 500 * s, endMs: 503 * s }),
    ]);
  });

  it("cards, for as long as they were shown", () => {
    expect(
      cardHighlights(
        input([
          at(10 * s, "cta.shown", { ctaId: "c", title: "Homework" }),
          at(25 * s, "cta.hidden", { ctaId: "c" }),
        ]),
      ),
    ).toEqual([
      expect.objectContaining({ kind: "card", title: "Homework", startMs: 10 * s, endMs: 25 * s }),
    ]);
  });

  it("the teacher's emphasis, timed by the words, not a student's", () => {
    const words = "so remember this formula for later".split(" ").map((word, i) => ({
      word,
      startMs: 100 * s + i * 500,
      endMs: 100 * s + i * 500 + 400,
    }));
    const segment = (speakerUserId: string | null, text: string, startMs: number) => ({
      startMs,
      endMs: startMs + 3 * s,
      text,
      speakerUserId,
      words: startMs === 100 * s ? words : [],
    });
    const found = emphasisHighlights(
      input([], {
        segments: [
          segment("teacher", "So remember this formula for later.", 100 * s),
          segment("student", "I will remember this.", 200 * s),
          segment(null, "This will be on the exam.", 300 * s),
          segment("teacher", "Nothing special here.", 400 * s),
        ],
      }),
    );
    expect(found.map((h) => [h.startMs, h.endMs, h.title])).toEqual([
      [100 * s + 500, 100 * s + 1400, "So remember this formula for later."],
      [300 * s, 303 * s, "This will be on the exam."],
    ]);
  });

  it("is a list: another detector is one more entry, and the result is in time order", () => {
    const reactions: Detector = () => [
      { kind: "reaction", startMs: 5 * s, endMs: 6 * s, title: "👏", score: 0.4, sequence: null },
    ];
    const events = [at(10 * s, "cta.shown", { ctaId: "c", title: "Card" })];
    expect(detectHighlights(input(events), [cardHighlights, reactions]).map((h) => h.kind)).toEqual(
      ["reaction", "card"],
    );
  });
});
