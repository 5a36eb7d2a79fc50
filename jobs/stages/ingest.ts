import { availableRecording } from "../../db/pipeline";
import { NO_RECORDING, skipped, type StageContext, type StageResult } from "./stage";

/** Ingest: the class's recording, ready for transcription. */
export async function ingest({ tx, sessionId }: StageContext): Promise<StageResult> {
  const recording = await availableRecording(tx, sessionId);
  if (!recording) return { outcomes: { audio: skipped(NO_RECORDING) } };
  return {
    outcomes: {
      audio: {
        status: "succeeded",
        storageKey: recording.storageKey,
        output: {
          recordingId: recording.id,
          source: recording.source,
          mime: recording.mime,
          durationMs: recording.durationMs,
          normalized: false,
        },
      },
    },
  };
}
