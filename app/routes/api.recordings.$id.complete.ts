import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { completeRecording } from "../../core/media/recording";
import { liveClassDeps, recordingRequest } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

const completeSchema = z.object({
  totalChunks: z.int().min(1).max(100_000),
  durationMs: z
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .nullable()
    .default(null),
  mime: z
    .string()
    .regex(
      /^audio\/(webm|ogg|mp4)(;\s*codecs=[\w.,"-]+)?$/,
      "must be an audio/webm, ogg or mp4 type",
    )
    .default("audio/webm"),
});

/**
 * POST `{ totalChunks, durationMs?, mime? }`: assemble a browser recording.
 * Missing chunks: 409 with `details.missing`; send them and complete again.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, recording } = await recordingRequest(request, context, params.id!);
  const input = completeSchema.parse(await readJson(request));
  return Response.json({
    recording: await completeRecording(liveClassDeps(context), actor, recording.id, input),
  });
});
