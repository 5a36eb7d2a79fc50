import { EgressStatus, type WebhookEvent } from "livekit-server-sdk";
import { findParticipant, findRecordingByEgress, isPresent, lockSession } from "../../db/liveClass";
import { markJoined, markLeft, updateRecording } from "../../db/liveClass";
import { announceEvents, appendEventsIn, type NewEvent, type StoredEvent } from "../../db/eventLog";
import { claimIdempotencyKey, completeIdempotencyKey } from "../../db/idempotency";
import { withTenant } from "../../db/tenantContext";
import { finishClass, parseRoomName, type LifecycleDeps } from "../classes/lifecycle";
import { validateEvent } from "../log/sessionEvents";

/*
 * What LiveKit tells us (DESIGN.md section 8), already verified by
 * `verifyLiveKitWebhook`. Each webhook is handled once (its id is claimed in
 * `idempotency_keys` in the same transaction as its effects), recorded as a
 * `livekit.webhook` fact, and turned into the class's own events:
 * participant_joined|left → participant.joined|left (when it changes who is
 * present), room_finished → the class ends if it was live, egress_ended → the
 * recording's outcome.
 */

export type WebhookOutcome = "handled" | "duplicate" | "ignored";

export async function handleLiveKitWebhook(
  deps: Pick<LifecycleDeps, "db" | "pool" | "pipeline">,
  event: WebhookEvent,
): Promise<WebhookOutcome> {
  const roomName = event.room?.name || event.egressInfo?.roomName || "";
  const target = parseRoomName(roomName);
  // Not one of our rooms (another app on the same LiveKit project): nothing to do.
  if (!target || !event.id) return "ignored";
  const { tenantId, sessionId } = target;
  const { outcome, events } = await withTenant(deps.db, tenantId, async (tx) => {
    const session = await lockSession(tx, sessionId);
    if (!session || session.livekitRoom !== roomName) {
      return { outcome: "ignored" as const, events: [] as StoredEvent[] };
    }
    const key = `livekit-webhook:${event.id}`.slice(0, 200);
    const claim = await claimIdempotencyKey(tx, tenantId, key, key);
    if (claim.status !== "new") return { outcome: "duplicate" as const, events: [] };

    const now = new Date();
    const identity = event.participant?.identity;
    const fact = validateEvent({
      type: "livekit.webhook",
      payload: {
        webhookId: event.id,
        event: event.event,
        room: roomName,
        ...(identity ? { participantIdentity: identity } : {}),
        ...(event.egressInfo?.egressId ? { egressId: event.egressInfo.egressId } : {}),
      },
    });
    const derived: NewEvent[] = [];

    if ((event.event === "participant_joined" || event.event === "participant_left") && identity) {
      const participant = await findParticipant(tx, sessionId, identity);
      // Only people who joined through Lectern hold tokens; anyone else is not ours to track.
      if (participant && session.status === "live") {
        if (event.event === "participant_joined" && !isPresent(participant)) {
          await markJoined(tx, { ...participant, tenantId }, now);
          derived.push(
            validateEvent({
              type: "participant.joined",
              actorUserId: identity,
              payload: {
                userId: identity,
                role: participant.role,
                displayName: event.participant?.name || "Participant",
              },
            }),
          );
        } else if (event.event === "participant_left" && isPresent(participant)) {
          await markLeft(tx, sessionId, [identity], now);
          derived.push(
            validateEvent({
              type: "participant.left",
              actorUserId: identity,
              payload: { userId: identity, reason: "disconnected" },
            }),
          );
        }
      }
    }

    if (event.event === "egress_ended" && event.egressInfo) {
      const info = event.egressInfo;
      const recording = await findRecordingByEgress(tx, info.egressId);
      if (recording && recording.status !== "available" && recording.status !== "failed") {
        const file = info.fileResults[0];
        const ok = info.status === EgressStatus.EGRESS_COMPLETE && file;
        const durationMs = file ? Math.round(Number(file.duration) / 1e6) : null;
        await updateRecording(tx, recording.id, {
          status: ok ? "available" : "failed",
          endedAt: recording.endedAt ?? now,
          durationMs,
          sizeBytes: file ? Number(file.size) : null,
          error: ok ? null : info.error || `egress ended with status ${EgressStatus[info.status]}`,
        });
        if (recording.status === "recording") {
          derived.push(
            validateEvent({ type: "recording.stopped", payload: { recordingId: recording.id } }),
          );
        }
        if (ok) {
          // The class has ended by now: its pipeline runs again, with the audio.
          await deps.pipeline?.startPipeline(tx, {
            tenantId,
            sessionId,
            reason: "recording_available",
          });
          derived.push(
            validateEvent({
              type: "recording.available",
              payload: { recordingId: recording.id, durationMs },
            }),
          );
        }
      }
    }

    let events: StoredEvent[] = [];
    if (event.event === "room_finished" && session.status === "live") {
      // The fact first, then the end with everything it implies.
      events = await appendEventsIn(tx, { tenantId, sessionId, events: [fact] });
      const finished = await finishClass(
        tx,
        tenantId,
        session,
        "room_finished",
        null,
        deps.pipeline,
      );
      events = [...events, ...finished.events];
    } else {
      events = await appendEventsIn(tx, { tenantId, sessionId, events: [fact, ...derived] });
    }
    await completeIdempotencyKey(tx, tenantId, key, 200, { handled: true });
    return { outcome: "handled" as const, events };
  });
  announceEvents(deps.pool, events);
  return outcome;
}
