import { describe, expect, it } from "vitest";
import type { RaisedHand } from "../core/interaction/hands";
import { eventTypes } from "./support/classFixtures";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

const harness = classroomHarness();
const { owner } = harness;

describe("raised hands over HTTP (real Postgres)", () => {
  it("keeps one hand per student, lets teachers lower it, and refuses students lowering others", async () => {
    const { sessionId, teacher, student, studentId, teacherId } = await harness.sync.liveClass();
    const hand = async (who: Browser, json: unknown) => {
      const response = await who.api(`/api/sessions/${sessionId}/hands`, { json });
      return { status: response.status, body: (await response.json()) as { hands: RaisedHand[] } };
    };
    const raised = await hand(student, { action: "raise" });
    expect(raised.body.hands.map((h) => h.userId)).toEqual([studentId]);
    await hand(student, { action: "raise" });
    expect(
      (await eventTypes(owner.pool, sessionId)).filter((t) => t === "hand.raised"),
    ).toHaveLength(1);

    expect((await hand(teacher, { action: "raise" })).status).toBe(403);
    expect((await hand(student, { action: "lower", userId: teacherId })).status).toBe(403);
    expect((await hand(student, { action: "lower_all" })).status).toBe(403);

    const lowered = await hand(teacher, { action: "lower", userId: studentId });
    expect(lowered.body.hands).toEqual([]);
    const { rows } = await owner.pool.query<{ lowered_by: string }>(
      `select lowered_by from hands where session_id = $1`,
      [sessionId],
    );
    expect(rows).toEqual([{ lowered_by: teacherId }]);

    // Raise again, then the teacher lowers everyone's.
    await hand(student, { action: "raise" });
    expect((await hand(teacher, { action: "lower_all" })).body.hands).toEqual([]);
    expect((await hand(student, { action: "wave" })).status).toBe(422);
  });
});
