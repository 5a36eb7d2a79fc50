import type { Grant, SessionRole } from "../identity/permissions";

/**
 * What the class lifecycle needs from the media server. `core/livekit.ts`
 * implements it on livekit-server-sdk; without LIVEKIT_URL there is none and
 * classes run without audio/video.
 */
export interface MediaService {
  /** The browser connects here (e.g. wss://school.livekit.cloud). */
  readonly url: string;
  /** Create the room if it does not exist (creating an existing room is not an error). */
  ensureRoom(
    room: string,
    options?: {
      /** Close the room if nobody joins it for this long. */
      emptyTimeoutSeconds?: number;
      /** Close the room this long after the last person left. */
      departureTimeoutSeconds?: number;
      metadata?: string;
    },
  ): Promise<void>;
  /** Delete the room, disconnecting everyone in it; a room that is already gone is fine. */
  deleteRoom(room: string): Promise<void>;
  /** Names of the rooms that exist now (optionally only among `names`). */
  listRooms(names?: string[]): Promise<string[]>;
  listParticipants(room: string): Promise<MediaParticipant[]>;
  /** Disconnect one person; one who is not there is fine. */
  removeParticipant(room: string, identity: string): Promise<void>;
  /** Record the room (composite) to S3-compatible storage. */
  startRecording(room: string, output: RecordingOutput): Promise<{ egressId: string }>;
  /** Stop a recording; one that has already ended is fine. */
  stopRecording(egressId: string): Promise<void>;
  /** A join token for one person, with grants from their role in the class. */
  tokenFor(input: MediaTokenInput): Promise<{ token: string; expiresAt: Date }>;
}

export interface MediaParticipant {
  identity: string;
  name: string;
  joinedAt: Date | null;
}

export interface RecordingOutput {
  /** Object key inside the bucket, e.g. `recordings/<session>/<recording>.mp4`. */
  key: string;
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface MediaTokenInput {
  room: string;
  /** The user's id: what webhooks and participant lists report back. */
  identity: string;
  name: string;
  role: SessionRole;
  grants: readonly Grant[];
  ttlSeconds?: number;
}
