import type { ActionFunctionArgs } from "@remix-run/node";
import { editScenes } from "../../core/studio/sceneEdits";
import { sceneActionSchema } from "../../core/studio/scenes";
import { classRequest, liveClassDeps } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/**
 * POST `{action: "create", name, layout}` | `{action: "rename", sceneId, name}` |
 * `{action: "move", sceneId, direction}` | `{action: "delete", sceneId}`: edit the
 * class's scenes (hosts and co-teachers). Answers with the new list.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const input = sceneActionSchema.parse(await readJson(request));
  return Response.json({
    scenes: await editScenes(liveClassDeps(context), actor, sessionId, input),
  });
});
