import { decodeJwt } from "jose";
import { TokenVerifier, TrackSource } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  signWebhook,
  startLiveKitStandIn,
  webhookBody,
  type LiveKitStandIn,
} from "../../tests/support/livekitStandIn";
import {
  createLiveKitMedia,
  MediaError,
  verifyLiveKitWebhook,
  WebhookRejectedError,
} from "./livekit";
import type { MediaService } from "../classes/media";

let standIn: LiveKitStandIn;
let media: MediaService;
beforeAll(async () => {
  standIn = await startLiveKitStandIn();
  media = createLiveKitMedia(standIn);
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

const output = {
  key: "recordings/t/s/r.mp4",
  bucket: "lectern",
  region: "us-east-1",
  endpoint: "http://minio:9000",
  accessKeyId: "AK",
  secretAccessKey: "SK",
  forcePathStyle: true,
};

describe("LiveKit rooms and egress through the real SDK, against the LiveKit stand-in", () => {
  it("creates, lists and deletes rooms with the expected Twirp calls", async () => {
    await media.ensureRoom("room-a", { emptyTimeoutSeconds: 900, departureTimeoutSeconds: 600 });
    expect(standIn.callsOf("CreateRoom")).toEqual([
      {
        method: "CreateRoom",
        body: expect.objectContaining({ name: "room-a", emptyTimeout: 900, departureTimeout: 600 }),
      },
    ]);
    expect(await media.listRooms()).toEqual(["room-a"]);
    standIn.addParticipant("room-a", { identity: "u1", name: "Ada" });
    expect(await media.listParticipants("room-a")).toEqual([
      { identity: "u1", name: "Ada", joinedAt: expect.any(Date) },
    ]);
    await media.removeParticipant("room-a", "u1");
    await media.removeParticipant("room-a", "u1"); // gone already: fine
    await media.deleteRoom("room-a");
    expect(standIn.rooms.size).toBe(0);
    await media.deleteRoom("room-a"); // a room already gone is fine
    expect(standIn.callsOf("DeleteRoom")).toHaveLength(2);
  });

  it("turns a refusal into a MediaError", async () => {
    standIn.failNext("CreateRoom", { status: 503, code: "unavailable" });
    const failed = media.ensureRoom("room-b");
    await expect(failed).rejects.toBeInstanceOf(MediaError);
    await expect(failed).rejects.toMatchObject({ code: "unavailable", status: 503 });
    expect(standIn.rooms.size).toBe(0);
  });

  it("records a room to S3 with a room-composite egress and stops it (twice is fine)", async () => {
    await media.ensureRoom("room-c");
    const { egressId } = await media.startRecording("room-c", output);
    const [start] = standIn.callsOf("StartRoomCompositeEgress");
    expect(start!.body).toMatchObject({
      roomName: "room-c",
      layout: "speaker",
      fileOutputs: [
        {
          fileType: "MP4",
          filepath: output.key,
          s3: {
            bucket: "lectern",
            region: "us-east-1",
            endpoint: "http://minio:9000",
            accessKey: "AK",
            secret: "SK",
            forcePathStyle: true,
          },
        },
      ],
    });
    await media.stopRecording(egressId);
    await media.stopRecording(egressId);
    expect(standIn.callsOf("StopEgress").map((c) => c.body.egressId)).toEqual([egressId, egressId]);
  });

  it("the stand-in refuses requests signed with another secret (so the checks above mean something)", async () => {
    const forged = createLiveKitMedia({ ...standIn, apiSecret: "x".repeat(40) });
    await expect(forged.ensureRoom("room-d")).rejects.toMatchObject({ status: 401 });
    expect(standIn.rooms.size).toBe(0);
  });
});

describe("join tokens carry grants from the class role", () => {
  const token = async (
    role: "host" | "co_teacher" | "student" | "observer",
    grants: ("can_publish" | "can_present")[] = [],
  ) => {
    const { token, expiresAt } = await media.tokenFor({
      room: "lectern_room",
      identity: `user-${role}`,
      name: `Name ${role}`,
      role,
      grants,
      ttlSeconds: 600,
    });
    // It verifies with the secret, as LiveKit will check it.
    await new TokenVerifier(standIn.apiKey, standIn.apiSecret).verify(token);
    return { claims: decodeJwt(token), expiresAt };
  };

  it.each([
    [
      "host",
      [],
      true,
      [
        TrackSource.CAMERA,
        TrackSource.MICROPHONE,
        TrackSource.SCREEN_SHARE,
        TrackSource.SCREEN_SHARE_AUDIO,
      ],
      false,
    ],
    [
      "co_teacher",
      [],
      true,
      [
        TrackSource.CAMERA,
        TrackSource.MICROPHONE,
        TrackSource.SCREEN_SHARE,
        TrackSource.SCREEN_SHARE_AUDIO,
      ],
      false,
    ],
    ["student", [], false, [], false],
    ["student", ["can_publish"], true, [TrackSource.CAMERA, TrackSource.MICROPHONE], false],
    [
      "student",
      ["can_publish", "can_present"],
      true,
      [
        TrackSource.CAMERA,
        TrackSource.MICROPHONE,
        TrackSource.SCREEN_SHARE,
        TrackSource.SCREEN_SHARE_AUDIO,
      ],
      false,
    ],
    ["observer", [], false, [], true],
  ] as const)("%s %j: publish=%s", async (role, grants, publish, sources, hidden) => {
    const { claims, expiresAt } = await token(role, [...grants]);
    const video = claims.video as Record<string, unknown>;
    expect(claims.sub).toBe(`user-${role}`);
    expect(claims.name).toBe(`Name ${role}`);
    expect(claims.iss).toBe(standIn.apiKey);
    expect(video.room).toBe("lectern_room");
    expect(video.roomJoin).toBe(true);
    expect(video.canSubscribe).toBe(true);
    expect(video.canPublish).toBe(publish);
    expect(video.canPublishData).toBe(false);
    expect(video.hidden).toBe(hidden);
    // The SDK writes sources as lower-case names in the token.
    const names = {
      [TrackSource.CAMERA]: "camera",
      [TrackSource.MICROPHONE]: "microphone",
      [TrackSource.SCREEN_SHARE]: "screen_share",
      [TrackSource.SCREEN_SHARE_AUDIO]: "screen_share_audio",
    } as Record<number, string>;
    expect(video.canPublishSources ?? []).toEqual(sources.map((s) => names[s]));
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600);
    expect(Math.abs(expiresAt.getTime() / 1000 - claims.exp!)).toBeLessThan(2);
  });
});

describe("webhook verification", () => {
  const body = webhookBody({ id: "EV_1", event: "room_started", room: "lectern_room" });

  it("accepts a correctly signed event and parses it", async () => {
    const event = await verifyLiveKitWebhook(standIn, body, await signWebhook(body, standIn));
    expect(event).toMatchObject({
      id: "EV_1",
      event: "room_started",
      room: { name: "lectern_room" },
    });
  });

  it.each([
    [
      "a wrong secret",
      async () => signWebhook(body, { ...standIn, apiSecret: "y".repeat(40) }),
      body,
    ],
    [
      "a body changed after signing",
      async () => signWebhook(body, standIn),
      body.replace("room_started", "room_finished"),
    ],
    ["an expired token", async () => signWebhook(body, standIn, { ttlSeconds: -60 }), body],
    ["another key", async () => signWebhook(body, { ...standIn, apiKey: "other" }), body],
  ])("rejects %s", async (_name, sign, sent) => {
    await expect(verifyLiveKitWebhook(standIn, sent, await sign())).rejects.toBeInstanceOf(
      WebhookRejectedError,
    );
  });

  it("rejects a webhook without a signature", async () => {
    await expect(verifyLiveKitWebhook(standIn, body, undefined)).rejects.toBeInstanceOf(
      WebhookRejectedError,
    );
  });
});
