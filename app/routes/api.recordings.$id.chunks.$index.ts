import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { uploadLimits } from "../../core/media/chunkedUpload";
import { AppError } from "../../core/platform/errors";
import { uploadRecordingChunk } from "../../core/media/recording";
import type { Accepts } from "~/requestGuard.server";
import { liveClassDeps, recordingRequest } from "~/services/liveClass.server";
import { apiRoute, readLimited } from "~/utils/api";

const indexSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(uploadLimits.maxChunks - 1);

export const accepts: Accepts = { methods: ["PUT"], body: "raw" };

/**
 * PUT raw bytes: chunk `index` of a browser recording. Chunks may come in any
 * order; sending the same chunk again is fine. Larger than the limit: 413,
 * refused before it is stored.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const index = indexSchema.safeParse(params.index);
  if (!index.success) throw new AppError("invalid_input", "The chunk index is not valid.");
  const { actor, recording } = await recordingRequest(request, context, params.id!);
  const bytes = await readLimited(
    request,
    uploadLimits.maxChunkBytes,
    "A chunk",
    "chunk_too_large",
  );
  const stored = await uploadRecordingChunk(
    liveClassDeps(context),
    actor,
    recording.id,
    index.data,
    bytes,
  );
  return Response.json(stored);
});
