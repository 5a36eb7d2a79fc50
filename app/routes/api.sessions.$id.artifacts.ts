import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { artifactsOf, rerunArtifacts } from "~/services/artifacts.server";
import { classRequest, idempotencyKey } from "~/services/liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/**
 * GET: what the artifact pipeline made of the class, stage by stage (its
 * teachers and the school's admins).
 */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  return Response.json(
    { artifacts: await artifactsOf(context, actor, sessionId) },
    { headers: { "cache-control": "no-store" } },
  );
});

/**
 * POST `{action: "rerun"}` with an Idempotency-Key (host or school admin, an
 * ended class): queue a new version; 409 while one is in progress.
 */
export const action = apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
  const { actor, sessionId } = await classRequest(request, context, params.id!);
  const run = await rerunArtifacts(
    context,
    actor,
    sessionId,
    await readJson(request),
    idempotencyKey(request),
  );
  return Response.json({ run }, { status: 202 });
});
