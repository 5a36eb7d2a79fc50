import type { ActionFunctionArgs } from "@remix-run/node";
import { AppError } from "../../core/platform/errors";
import { verifyLiveKitWebhook, WebhookRejectedError } from "../../core/media/livekit";
import { handleLiveKitWebhook } from "../../core/media/livekitWebhooks";
import type { Accepts } from "~/requestGuard.server";
import { apiRoute } from "~/utils/api";

const MAX_BODY = 1_000_000;

/** LiveKit posts its webhooks as application/webhook+json. */
export const accepts: Accepts = { body: ["application/webhook+json"] };

/**
 * POST from LiveKit: the raw body and its `Authorization` header go through
 * WebhookReceiver. Forged, altered, stale or unsigned: 401. A webhook already
 * handled (same id) is acknowledged and ignored.
 */
export const action = apiRoute(async ({ request, context }: ActionFunctionArgs) => {
  const { config } = context;
  if (!config.LIVEKIT_URL || !config.LIVEKIT_API_KEY || !config.LIVEKIT_API_SECRET) {
    throw new AppError("not_found", "LiveKit is not configured here.");
  }
  const body = await request.text();
  if (body.length > MAX_BODY) throw new AppError("too_large", "The webhook body is too large.");
  let event;
  try {
    event = await verifyLiveKitWebhook(
      {
        apiKey: config.LIVEKIT_API_KEY,
        apiSecret: config.LIVEKIT_API_SECRET,
      },
      body,
      request.headers.get("authorization") ?? undefined,
    );
  } catch (error) {
    if (error instanceof WebhookRejectedError) {
      context.log.warn({ reason: error.message }, "rejected a LiveKit webhook");
      throw new AppError("unauthorized", "The webhook signature is not valid.");
    }
    throw error;
  }
  const outcome = await handleLiveKitWebhook(
    { db: context.db.db, pool: context.db.pool, pipeline: context.pipeline },
    event,
  );
  return Response.json({ ok: true, outcome });
});
