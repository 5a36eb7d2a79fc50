import {
  AccessToken,
  EgressClient,
  EncodedFileOutput,
  EncodedFileType,
  RoomServiceClient,
  S3Upload,
  TrackSource,
  TwirpError,
  WebhookReceiver,
  type VideoGrant,
  type WebhookEvent,
} from "livekit-server-sdk";
import type { Config } from "../platform/config";
import type { MediaService, MediaTokenInput } from "../classes/media";
import { can, type Actor, type Resource } from "../identity/permissions";

/**
 * MediaService on LiveKit's server SDK (Twirp over HTTP). Tokens are minted
 * here, on the server only; their grants come from core/permissions.ts.
 */

export interface LiveKitConfig {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** LiveKit said no (or could not be reached): `code` is Twirp's, e.g. "unavailable". */
export class MediaError extends Error {
  override name = "MediaError";
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class WebhookRejectedError extends Error {
  override name = "WebhookRejectedError";
}

const DEFAULT_TTL_SECONDS = 2 * 3_600;
const MAX_TTL_SECONDS = 12 * 3_600;

/** The configured LiveKit, or null without LIVEKIT_URL (classes then run without audio/video). */
export function mediaFromConfig(config: Config): MediaService | null {
  if (!config.LIVEKIT_URL || !config.LIVEKIT_API_KEY || !config.LIVEKIT_API_SECRET) return null;
  return createLiveKitMedia({
    url: config.LIVEKIT_URL,
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
  });
}

export function createLiveKitMedia(config: LiveKitConfig): MediaService {
  const host = config.url.replace(/^ws/, "http");
  const rooms = new RoomServiceClient(host, config.apiKey, config.apiSecret);
  const egress = new EgressClient(host, config.apiKey, config.apiSecret);
  // The browser connects over WebSocket: give it a ws(s) URL whatever was configured.
  const browserUrl = config.url.replace(/^http/, "ws");

  return {
    url: browserUrl,
    async ensureRoom(room, options = {}) {
      await call("create the room", () =>
        rooms.createRoom({
          name: room,
          emptyTimeout: options.emptyTimeoutSeconds,
          departureTimeout: options.departureTimeoutSeconds,
          metadata: options.metadata,
        }),
      );
    },
    async deleteRoom(room) {
      await call("delete the room", () => rooms.deleteRoom(room), { notFoundIsFine: true });
    },
    async listRooms(names) {
      const list = await call("list rooms", () => rooms.listRooms(names));
      return list.map((r) => r.name);
    },
    async listParticipants(room) {
      const list = await call("list participants", () => rooms.listParticipants(room), {
        notFoundIsFine: true,
      });
      return (list ?? []).map((p) => ({
        identity: p.identity,
        name: p.name,
        joinedAt: p.joinedAt ? new Date(Number(p.joinedAt) * 1_000) : null,
      }));
    },
    async removeParticipant(room, identity) {
      await call("remove a participant", () => rooms.removeParticipant(room, identity), {
        notFoundIsFine: true,
      });
    },
    async startRecording(room, output) {
      const file = new EncodedFileOutput({
        fileType: EncodedFileType.MP4,
        filepath: output.key,
        output: {
          case: "s3",
          value: new S3Upload({
            accessKey: output.accessKeyId,
            secret: output.secretAccessKey,
            region: output.region,
            endpoint: output.endpoint ?? "",
            bucket: output.bucket,
            forcePathStyle: output.forcePathStyle,
          }),
        },
      });
      const info = await call("start recording", () =>
        egress.startRoomCompositeEgress(room, { file }, { layout: "speaker" }),
      );
      return { egressId: info.egressId };
    },
    async stopRecording(egressId) {
      await call("stop recording", () => egress.stopEgress(egressId), {
        notFoundIsFine: true,
        // Stopping an egress that already ended is "failed_precondition" in LiveKit.
        alsoFine: ["failed_precondition"],
      });
    },
    tokenFor: (input) => mintToken(config, input),
  };
}

/** A join token: publish/subscribe/hidden and the sources one may publish, from the person's class role. */
export async function mintToken(
  config: Pick<LiveKitConfig, "apiKey" | "apiSecret">,
  input: MediaTokenInput,
): Promise<{ token: string; expiresAt: Date }> {
  const ttl = Math.min(Math.max(input.ttlSeconds ?? DEFAULT_TTL_SECONDS, 60), MAX_TTL_SECONDS);
  const grant = videoGrant(input);
  const at = new AccessToken(config.apiKey, config.apiSecret, {
    identity: input.identity,
    name: input.name,
    ttl,
  });
  at.addGrant(grant);
  return { token: await at.toJwt(), expiresAt: new Date(Date.now() + ttl * 1_000) };
}

export function videoGrant(input: MediaTokenInput): VideoGrant {
  // The room stands for the class: permissions are asked about "this class".
  const actor: Actor = {
    userId: input.identity,
    tenantId: "livekit",
    tenantRole: "student",
    session: { sessionId: input.room, role: input.role, grants: input.grants },
  };
  const here: Resource = { tenantId: "livekit", kind: "session", sessionId: input.room };
  const publish = can(actor, "media:publish", here);
  // Presenters (teachers, or students granted can_present) may share their screen.
  const present = can(actor, "slides:navigate", here);
  const sources = publish
    ? [
        TrackSource.CAMERA,
        TrackSource.MICROPHONE,
        ...(present ? [TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO] : []),
      ]
    : [];
  return {
    room: input.room,
    roomJoin: true,
    canSubscribe: can(actor, "media:subscribe", here),
    canPublish: publish,
    canPublishSources: sources,
    // Class data (chat, board) travels through Lectern, never LiveKit data messages.
    canPublishData: false,
    canUpdateOwnMetadata: false,
    hidden: can(actor, "media:hidden", here),
  };
}

/** Check a webhook's signature and body hash and parse it; anything wrong is a WebhookRejectedError. */
export async function verifyLiveKitWebhook(
  config: Pick<LiveKitConfig, "apiKey" | "apiSecret">,
  rawBody: string,
  authorization: string | undefined,
): Promise<WebhookEvent> {
  if (!authorization) throw new WebhookRejectedError("no Authorization header");
  const receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
  try {
    return await receiver.receive(rawBody, authorization);
  } catch (error) {
    throw new WebhookRejectedError(error instanceof Error ? error.message : "invalid webhook", {
      cause: error,
    });
  }
}

async function call<T>(
  what: string,
  request: () => Promise<T>,
  options: { notFoundIsFine?: boolean; alsoFine?: string[] } = {},
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const code = error instanceof TwirpError ? (error.code ?? "") : "unreachable";
    const status = error instanceof TwirpError ? error.status : undefined;
    if (
      (options.notFoundIsFine && (code === "not_found" || status === 404)) ||
      options.alsoFine?.includes(code)
    ) {
      return undefined as T;
    }
    throw new MediaError(
      `LiveKit could not ${what} (${status ?? code}).`,
      code || "unknown",
      status,
      { cause: error },
    );
  }
}
