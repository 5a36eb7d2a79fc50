import { randomUUID } from "node:crypto";
import { announceEvents, appendEventsIn, type StoredEvent } from "../../db/eventLog";
import {
  activeRecordings,
  findRecording,
  insertRecording,
  updateRecording,
  type RecordingRow,
} from "../../db/liveClass";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import {
  completeUpload,
  putChunk,
  receivedChunks,
  uploadLimits,
  UploadError,
} from "./chunkedUpload";
import { classWithPlace, inClass } from "../classes/classPlace";
import type { Config } from "../platform/config";
import { AppError } from "../platform/errors";
import { claimWrite, rememberWrite } from "../classes/idempotentWrite";
import { mediaStep, type LifecycleDeps } from "../classes/lifecycle";
import type { RecordingOutput } from "../classes/media";
import { assertCan, type Actor } from "../identity/permissions";
import { validateEvent } from "../log/sessionEvents";
import type { Storage } from "../platform/storage";

/*
 * Recording a class (host only). With LiveKit and S3-compatible storage, the
 * room is recorded by a room-composite egress straight into the bucket.
 * Otherwise the presenter's browser records the microphone and uploads it in
 * resumable chunks (core/chunkedUpload.ts), so every class can be recorded.
 * Starting and stopping are synchronous and hard-fail like the lifecycle.
 */

export interface RecordingDeps extends LifecycleDeps {
  storage: Storage;
  /** Where egress writes: the S3 bucket, when one is configured. */
  egressOutput: Omit<RecordingOutput, "key"> | null;
}

export interface RecordingView {
  id: string;
  source: RecordingRow["source"];
  status: RecordingRow["status"];
  startedAt: Date;
  /** For browser recordings: how big each uploaded chunk may be. */
  maxChunkBytes: number | null;
}

const view = (row: RecordingRow): RecordingView => ({
  id: row.id,
  source: row.source,
  status: row.status,
  startedAt: row.startedAt,
  maxChunkBytes: row.source === "browser" ? uploadLimits.maxChunkBytes : null,
});

/** Egress output from the configuration: only with S3 (LiveKit cannot write to our disk). */
export function egressOutputFrom(config: Config): RecordingDeps["egressOutput"] {
  if (!config.S3_BUCKET || !config.S3_ACCESS_KEY_ID || !config.S3_SECRET_ACCESS_KEY) return null;
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  };
}

const recordingKey = (tenantId: string, sessionId: string, id: string, ext: string) =>
  `recordings/${tenantId}/${sessionId}/${id}.${ext}`;

/** Start recording a live class; a recording already running is returned as is. */
export async function startRecording(
  deps: RecordingDeps,
  actor: Actor,
  sessionId: string,
  idempotencyKey?: string,
): Promise<RecordingView> {
  let startedEgress = null as string | null;
  try {
    const { recording, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
      await claimWrite(tx, actor, idempotencyKey, { record: sessionId });
      const session = await hostedLiveClass(tx, actor, sessionId, "recording:start");
      const [running] = await activeRecordings(tx, sessionId);
      if (running) return { recording: running, events: [] as StoredEvent[] };
      const id = randomUUID();
      const useEgress = deps.media && deps.egressOutput && session.livekitRoom;
      let egressId: string | null = null;
      let storageKey: string | null = null;
      if (useEgress) {
        storageKey = recordingKey(actor.tenantId, sessionId, id, "mp4");
        const output = { ...deps.egressOutput!, key: storageKey };
        ({ egressId } = await mediaStep("start recording", () =>
          deps.media!.startRecording(session.livekitRoom!, output),
        ));
        startedEgress = egressId;
      }
      const recording = await insertRecording(tx, {
        id,
        tenantId: actor.tenantId,
        sessionId,
        source: useEgress ? "livekit_egress" : "browser",
        egressId,
        storageKey,
        mime: useEgress ? "video/mp4" : null,
      });
      const events = await appendEventsIn(tx, {
        tenantId: actor.tenantId,
        sessionId,
        events: [
          validateEvent({
            type: "recording.started",
            actorUserId: actor.userId,
            payload: { recordingId: id, source: recording.source },
          }),
        ],
      });
      await rememberWrite(tx, actor.tenantId, idempotencyKey, { recordingId: id });
      return { recording, events };
    });
    announceEvents(deps.pool, events);
    return view(recording);
  } catch (error) {
    // No egress without its event.
    if (startedEgress) {
      const egressId: string = startedEgress;
      await deps
        .media!.stopRecording(egressId)
        .catch((cleanup: unknown) =>
          deps.log?.error(
            { err: cleanup, egressId },
            "could not stop the egress of a failed start",
          ),
        );
    }
    throw error;
  }
}

/** Stop a running recording (host). Egress output is reported later by webhook. */
export async function stopRecording(
  deps: RecordingDeps,
  actor: Actor,
  recordingId: string,
): Promise<RecordingView> {
  const { recording, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const recording = await findRecording(tx, recordingId);
    if (!recording) throw recordingNotFound();
    await hostedClass(tx, actor, recording.sessionId, "recording:stop");
    if (recording.status !== "recording") return { recording, events: [] as StoredEvent[] };
    if (recording.egressId && deps.media) {
      await mediaStep("stop the recording", () => deps.media!.stopRecording(recording.egressId!));
    }
    const stopped = await updateRecording(tx, recording.id, {
      status: "uploading",
      endedAt: new Date(),
    });
    const events = await appendEventsIn(tx, {
      tenantId: actor.tenantId,
      sessionId: recording.sessionId,
      events: [
        validateEvent({
          type: "recording.stopped",
          actorUserId: actor.userId,
          payload: { recordingId },
        }),
      ],
    });
    return { recording: stopped, events };
  });
  announceEvents(deps.pool, events);
  return view(recording);
}

/** Store one chunk of a browser recording (any order; a repeat of the same bytes is fine). */
export async function uploadRecordingChunk(
  deps: RecordingDeps,
  actor: Actor,
  recordingId: string,
  index: number,
  bytes: Uint8Array,
) {
  await uploadableRecording(deps, actor, recordingId);
  try {
    return await putChunk(deps.storage, recordingId, index, bytes);
  } catch (error) {
    throw uploadError(error);
  }
}

/** Which chunks have arrived: a resuming browser sends only the others. */
export async function recordingChunks(deps: RecordingDeps, actor: Actor, recordingId: string) {
  const recording = await uploadableRecording(deps, actor, recordingId);
  return { recording: view(recording), received: await receivedChunks(deps.storage, recordingId) };
}

/**
 * Assemble a browser recording from its chunks: every chunk 0..total-1 must be
 * there (otherwise a conflict listing the missing ones, and nothing changes).
 * Then the recording is available and `recording.available` is appended.
 */
export async function completeRecording(
  deps: RecordingDeps,
  actor: Actor,
  recordingId: string,
  input: { totalChunks: number; durationMs: number | null; mime: string },
): Promise<RecordingView> {
  const recording = await uploadableRecording(deps, actor, recordingId);
  if (recording.status === "available") return view(recording);
  const ext = input.mime.includes("ogg") ? "ogg" : input.mime.includes("mp4") ? "m4a" : "webm";
  const key = recordingKey(actor.tenantId, recording.sessionId, recording.id, ext);
  let size: number;
  try {
    ({ size } = await completeUpload(deps.storage, recordingId, input.totalChunks, key, {
      contentType: input.mime,
    }));
  } catch (error) {
    throw uploadError(error);
  }
  const { done, events } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const current = await findRecording(tx, recordingId);
    if (current?.status === "available") return { done: current, events: [] as StoredEvent[] };
    const now = new Date();
    const done = await updateRecording(tx, recordingId, {
      status: "available",
      storageKey: key,
      mime: input.mime,
      sizeBytes: size,
      durationMs: input.durationMs,
      endedAt: current?.endedAt ?? now,
    });
    const stopped =
      current?.status === "recording"
        ? [
            validateEvent({
              type: "recording.stopped",
              actorUserId: actor.userId,
              payload: { recordingId },
            }),
          ]
        : [];
    const events = await appendEventsIn(tx, {
      tenantId: actor.tenantId,
      sessionId: recording.sessionId,
      events: [
        ...stopped,
        validateEvent({
          type: "recording.available",
          actorUserId: actor.userId,
          payload: { recordingId, durationMs: input.durationMs },
        }),
      ],
    });
    // A recording uploaded after the class ended runs the pipeline again, with the audio.
    await deps.pipeline?.startPipeline(tx, {
      tenantId: actor.tenantId,
      sessionId: recording.sessionId,
      reason: "recording_available",
    });
    return { done, events };
  });
  announceEvents(deps.pool, events);
  return view(done);
}

/** A browser recording the host may still upload to (also after the class ended). */
async function uploadableRecording(
  deps: RecordingDeps,
  actor: Actor,
  recordingId: string,
): Promise<RecordingRow> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const recording = await findRecording(tx, recordingId);
    if (!recording) throw recordingNotFound();
    await hostedClass(tx, actor, recording.sessionId, "recording:start");
    if (recording.source !== "browser") {
      throw new AppError(
        "conflict",
        "This recording is made by LiveKit; there is nothing to upload.",
      );
    }
    if (recording.status === "failed") {
      throw new AppError("conflict", "This recording failed and can't take more uploads.");
    }
    return recording;
  });
}

async function hostedClass(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: "recording:start" | "recording:stop",
) {
  const { session, place } = await classWithPlace(tx, actor, sessionId, { lock: true });
  assertCan(inClass(actor, sessionId, place), action, {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId,
  });
  return session;
}

async function hostedLiveClass(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: "recording:start",
) {
  const session = await hostedClass(tx, actor, sessionId, action);
  if (session.status !== "live") {
    throw new AppError("conflict", "Recording can start only while the class is live.");
  }
  return session;
}

const recordingNotFound = () => new AppError("not_found", "We couldn't find that recording.");

function uploadError(error: unknown): unknown {
  if (!(error instanceof UploadError)) return error;
  switch (error.code) {
    case "chunk_too_large":
      return new AppError("too_large", error.message, { code: error.code });
    case "missing_chunks":
      return new AppError("conflict", error.message, { code: error.code, missing: error.missing });
    case "chunk_conflict":
      return new AppError("conflict", error.message, { code: error.code });
    default:
      return new AppError("invalid_input", error.message, { code: error.code });
  }
}
