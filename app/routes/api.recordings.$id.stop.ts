import type { ActionFunctionArgs } from "@remix-run/node";
import { stopRecording } from "../../core/media/recording";
import { liveClassDeps, recordingRequest } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** POST: stop a running recording (host). */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, recording } = await recordingRequest(request, context, params.id!);
  return Response.json({
    recording: await stopRecording(liveClassDeps(context), actor, recording.id),
  });
});
