import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { uploadLimits } from "../../core/chunkedUpload";
import { AppError } from "../../core/errors";
import { uploadRecordingChunk } from "../../core/recording";
import { liveClassDeps, recordingRequest, requireMethod } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

const indexSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(uploadLimits.maxChunks - 1);

/**
 * PUT raw bytes: chunk `index` of a browser recording. Chunks may come in any
 * order; sending the same chunk again is fine. Larger than the limit: 413,
 * refused before it is stored.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  requireMethod(request, "PUT");
  const index = indexSchema.safeParse(params.index);
  if (!index.success) throw new AppError("invalid_input", "The chunk index is not valid.");
  const { actor, recording } = await recordingRequest(request, context, params.id!);
  const bytes = await readLimited(request, uploadLimits.maxChunkBytes);
  const stored = await uploadRecordingChunk(
    liveClassDeps(context),
    actor,
    recording.id,
    index.data,
    bytes,
  );
  return Response.json(stored);
});

/** Read the body, but stop (413) as soon as it passes `limit`: never buffer an oversized upload. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError("too_large", `A chunk may be at most ${limit} bytes.`, {
      code: "chunk_too_large",
    });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}
