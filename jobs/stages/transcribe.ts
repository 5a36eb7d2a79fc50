import { artifactOutput } from "../../db/pipeline";
import { NO_RECORDING, skipped, type StageContext, type StageResult } from "./stage";

/** Transcribe: the recording's speech, with word timings. */
export async function transcribe({ tx, sessionId }: StageContext): Promise<StageResult> {
  const audio = await artifactOutput(tx, sessionId, "audio");
  if (audio?.status !== "succeeded") return { outcomes: { transcript: skipped(NO_RECORDING) } };
  return { outcomes: { transcript: skipped("no transcriber configured") } };
}
