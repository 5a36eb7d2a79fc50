import { describe, expect, it } from "vitest";
import {
  classTimeline,
  placeSegments,
  speakerAttribution,
  type LogEvent,
  type RecordingInfo,
} from "./alignment";

const start = new Date("2026-03-02T10:00:00Z");
const t = (seconds: number) => new Date(start.getTime() + seconds * 1000);
let sequence = 0;
const ev = (
  seconds: number,
  type: string,
  payload: object,
  actorUserId: string | null = null,
): LogEvent => ({
  sequence: ++sequence,
  type,
  payload,
  actorUserId,
  occurredAt: t(seconds),
});
const deck = "deck-1";
const joined = [
  ev(0, "participant.joined", { userId: "ada", role: "host", displayName: "Ada Teacher" }),
  ev(1, "participant.joined", { userId: "bob", role: "student", displayName: "Bob" }),
];

describe("the class timeline", () => {
  it("spans what was on show: scene, deck and page, from the class's start to its end", () => {
    const timeline = classTimeline(
      [
        ev(10, "slide.changed", { deckId: deck, page: 1 }),
        ev(10, "slide.changed", { deckId: deck, page: 2 }),
        ev(70, "scene.changed", { sceneId: "board" }),
        ev(80, "scene.changed", { sceneId: "board" }),
        ev(100, "slide.changed", { deckId: deck, page: 2 }),
      ],
      { startedAt: start, endedAt: t(200) },
    );
    expect(timeline.spans).toEqual([
      { startMs: 0, endMs: 10_000, sceneId: null, deckId: null, page: null },
      { startMs: 10_000, endMs: 70_000, sceneId: null, deckId: deck, page: 2 },
      { startMs: 70_000, endMs: 200_000, sceneId: "board", deckId: deck, page: 2 },
    ]);
  });
});

describe("placing segments", () => {
  it("shifts them by the recording's start (its event) against the class's, and puts them on the slide then", () => {
    const recording: RecordingInfo = { id: "r1", source: "browser", startedAt: t(31) };
    const asked = ev(62, "question.asked", { questionId: "q", body: "?" }, "bob");
    const events = [
      ...joined,
      ev(20, "slide.changed", { deckId: deck, page: 1 }),
      ev(30, "recording.started", { recordingId: "r1", source: "browser" }, "ada"),
      ev(60, "slide.changed", { deckId: deck, page: 2 }),
      asked,
    ];
    const timeline = classTimeline(events, { startedAt: start, endedAt: t(120) });
    const [a, b] = placeSegments(
      [
        {
          id: "s1",
          recordingId: "r1",
          startMs: 5_000,
          endMs: 9_000,
          text: "first",
          words: [{ word: "first", startMs: 5_000, endMs: 5_500 }],
        },
        { id: "s2", recordingId: null, startMs: 31_000, endMs: 35_000, text: "second" },
      ],
      { events, recordings: [recording], timeline },
    );
    expect(a).toMatchObject({
      startMs: 35_000,
      endMs: 39_000,
      offsetMs: 30_000,
      page: 1,
      deckId: deck,
      userId: "ada",
      label: "Ada Teacher",
      words: [{ word: "first", startMs: 35_000, endMs: 35_500 }],
      events: [],
    });
    expect(b).toMatchObject({
      recordingId: "r1",
      startMs: 61_000,
      page: 2,
      events: [asked.sequence],
    });
  });
});

describe("speaker attribution from the log", () => {
  const egress: RecordingInfo = { id: "r2", source: "livekit_egress", startedAt: start };
  const started = ev(
    0,
    "recording.started",
    { recordingId: "r2", source: "livekit_egress" },
    "ada",
  );

  it("a browser recording is its starter's microphone", () => {
    const speaker = speakerAttribution(
      [...joined, ev(0, "recording.started", { recordingId: "r3", source: "browser" }, "ada")],
      start,
    );
    expect(speaker({ id: "r3", source: "browser", startedAt: start }, 50_000)).toEqual({
      userId: "ada",
      label: "Ada Teacher",
    });
  });

  it("LiveKit without track events: the one teacher in the room", () => {
    const co = ev(5, "participant.joined", { userId: "cy", role: "co_teacher", displayName: "Cy" });
    const left = ev(50, "participant.left", { userId: "ada" });
    const speaker = speakerAttribution([...joined, started, co, left], start);
    expect(speaker(egress, 2_000).userId).toBe("ada");
    // Two teachers in the room: the recording's starter.
    expect(speaker(egress, 20_000).userId).toBe("ada");
    expect(speaker(egress, 60_000).userId).toBe("cy");
  });

  it("reads media.track_published|unpublished when the log has them: who is on stage", () => {
    const speaker = speakerAttribution(
      [
        ...joined,
        started,
        ev(10, "media.track_published", { userId: "bob", trackId: "m1", source: "microphone" }),
        ev(10, "media.track_published", { userId: "bob", trackId: "v1", source: "camera" }),
        ev(40, "media.track_published", { userId: "ada", trackId: "m2", kind: "audio" }),
        ev(60, "media.track_unpublished", { userId: "ada", trackId: "m2", kind: "audio" }),
        ev(90, "media.track_unpublished", { userId: "bob", trackId: "m1", source: "microphone" }),
      ],
      start,
    );
    expect(speaker(egress, 20_000)).toEqual({ userId: "bob", label: "Bob" });
    // A teacher and a student on stage: the teacher.
    expect(speaker(egress, 50_000).userId).toBe("ada");
    expect(speaker(egress, 70_000).userId).toBe("bob");
    // Nobody on stage: back to who was in the room.
    expect(speaker(egress, 100_000).userId).toBe("ada");
  });
});
