import type { ActionFunctionArgs } from "@remix-run/node";
import { startRecording } from "../../core/media/recording";
import { classRequest, idempotencyKey, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/**
 * POST: start recording the class (host). `source: "livekit_egress"` when
 * LiveKit records it to S3; `"browser"` when the host's page must record and
 * upload (then `maxChunkBytes` says how big each chunk may be).
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const recording = await startRecording(
    liveClassDeps(context),
    actor,
    sessionId,
    idempotencyKey(request),
  );
  return Response.json({ recording });
});
