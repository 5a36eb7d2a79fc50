import type { ArtifactKind } from "../../db/pipeline";
import type { Stage } from "../queues";
import { align } from "./align";
import { derive } from "./derive";
import { ingest } from "./ingest";
import type { StageBody } from "./stage";
import { transcribe } from "./transcribe";

export type { KindOutcome, StageBody, StageContext, StageResult } from "./stage";

/** The artifact kinds each stage makes. */
export const stageKinds: Record<Stage, readonly ArtifactKind[]> = {
  ingest: ["audio"],
  transcribe: ["transcript"],
  align: ["alignment"],
  derive: ["chapters", "highlights", "summary", "captions"],
};

export const stageBodies: Record<Stage, StageBody> = { ingest, transcribe, align, derive };
