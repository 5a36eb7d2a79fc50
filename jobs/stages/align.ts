import { setSpeakers } from "../../db/artifactOutputs";
import type { StageContext, StageResult } from "./stage";
import { readClass } from "./timeline";

/**
 * Align: every transcript segment placed on the class's timeline from the
 * event log — the scene, deck and page on show, its speaker, the events
 * around it — and the speakers written onto this version's segments.
 */
export async function align({
  tx,
  tenantId,
  sessionId,
  version,
}: StageContext): Promise<StageResult> {
  const { timeline, segments } = await readClass(tx, sessionId, version);
  return {
    outcomes: {
      alignment: {
        status: "succeeded",
        output: {
          segments: segments.map((s) => ({
            id: s.id,
            recordingId: s.recordingId,
            startMs: s.startMs,
            endMs: s.endMs,
            sceneId: s.sceneId,
            deckId: s.deckId,
            page: s.page,
            speakerUserId: s.userId,
            speakerLabel: s.label,
            events: s.events,
          })),
          spans: timeline.spans,
        },
      },
    },
    async write(tx) {
      await setSpeakers(
        tx,
        { tenantId, sessionId, version },
        segments.map((s) => ({ id: s.id, speakerUserId: s.userId, speakerLabel: s.label })),
      );
    },
  };
}
