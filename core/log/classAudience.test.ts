import { describe, expect, it } from "vitest";
import { eventFor, type Viewer } from "./classAudience";
import type { ClassEvent } from "./classEvents";

const teacher: Viewer = { userId: "t", teaching: true };
const sam: Viewer = { userId: "sam", teaching: false };
const sara: Viewer = { userId: "sara", teaching: false };
const event = (type: string, actorUserId: string | null, payload: object): ClassEvent => ({
  sequence: 1,
  type,
  actorUserId,
  payload,
  occurredAt: new Date(0).toISOString(),
});

describe("who sees which class event", () => {
  it("keeps private chat with the teachers and its author", () => {
    const note = event("chat.posted", "sam", { body: "psst", audience: "teachers" });
    expect(eventFor(teacher, note)).toEqual(note);
    expect(eventFor(sam, note)).toEqual(note);
    expect(eventFor(sara, note)).toBeNull();
  });

  it("hides anonymous askers from everyone but themselves, teachers included", () => {
    const asked = event("question.asked", "sam", { questionId: "q", body: "?", anonymous: true });
    expect(eventFor(teacher, asked)?.actorUserId).toBeNull();
    expect(eventFor(sara, asked)?.actorUserId).toBeNull();
    expect(eventFor(sam, asked)?.actorUserId).toBe("sam");
  });

  it("gives students a poll's id only: no draft prompt, no right answers", () => {
    const created = event("poll.created", "t", {
      pollId: "p",
      prompt: "2 + 2?",
      options: [{ optionId: "a", label: "4", isCorrect: true }],
    });
    expect(eventFor(teacher, created)).toEqual(created);
    expect(eventFor(sam, created)?.payload).toEqual({ pollId: "p" });
  });

  it("tells others that a vote came in, never who or what", () => {
    const voted = event("poll.voted", "sam", { pollId: "p", optionIds: ["a"] });
    expect(eventFor(sam, voted)).toEqual(voted);
    for (const viewer of [teacher, sara]) {
      expect(eventFor(viewer, voted)).toMatchObject({
        actorUserId: null,
        payload: { pollId: "p" },
      });
      expect(eventFor(viewer, voted)?.payload).not.toHaveProperty("optionIds");
    }
  });

  it("keeps LiveKit's raw reports with the teachers and passes the rest through", () => {
    const report = event("livekit.webhook", null, { webhookId: "w", event: "room_started" });
    expect(eventFor(teacher, report)).toEqual(report);
    expect(eventFor(sam, report)).toBeNull();
    const hand = event("hand.raised", "sam", { userId: "sam" });
    expect(eventFor(sara, hand)).toEqual(hand);
  });
});
