import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordingChunks } from "../../core/media/recording";
import { liveClassDeps, recordingRequest } from "~/services/liveClass.server";
import { apiRoute } from "~/utils/api";

/** GET: which chunks of a browser recording have arrived (to resume an upload). */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, recording } = await recordingRequest(request, context, params.id!);
  return Response.json(await recordingChunks(liveClassDeps(context), actor, recording.id), {
    headers: { "cache-control": "no-store" },
  });
});
