import type { Database } from "../../db/client";
import { announceEvents, appendEventsIn, type StoredEvent } from "../../db/eventLog";
import {
  findParticipant,
  isPresent,
  liveSessions,
  lockSession,
  markJoined,
  markLeft,
  presentUserIds,
} from "../../db/liveClass";
import { listTenantIds } from "../../db/tenancy";
import { withTenant } from "../../db/tenantContext";
import { finishClass, parseRoomName, type LifecycleDeps } from "../classes/lifecycle";
import type { MediaParticipant } from "../classes/media";
import { validateEvent } from "../log/sessionEvents";

/*
 * Webhooks can be lost. A periodic pass compares what the log says is live
 * with what LiveKit has, and fixes the drift in the log's favour of reality:
 * a live class whose room is gone ends ("reconciled"); people LiveKit sees but
 * the class doesn't (or the reverse) join or leave; rooms of classes that
 * are no longer live are deleted.
 */

export interface ReconcileReport {
  checked: number;
  ended: string[];
  joined: number;
  left: number;
  roomsDeleted: string[];
}

/** How long a fresh start or join may go unseen by LiveKit before it counts as drift. */
const GRACE_MS = 120_000;

export async function reconcileLiveClasses(
  deps: Pick<LifecycleDeps, "db" | "pool" | "media" | "log"> & { directory: Database },
  now = new Date(),
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, ended: [], joined: 0, left: 0, roomsDeleted: [] };
  const media = deps.media;
  if (!media) return report;
  const rooms = new Set(await media.listRooms());
  const liveRooms = new Set<string>();

  for (const tenantId of await listTenantIds(deps.directory)) {
    const live = await withTenant(deps.db, tenantId, (tx) => liveSessions(tx));
    for (const session of live) {
      report.checked += 1;
      if (!session.livekitRoom) continue;
      liveRooms.add(session.livekitRoom);
      const startedLongAgo = now.getTime() - (session.startedAt?.getTime() ?? 0) > GRACE_MS;
      if (!rooms.has(session.livekitRoom)) {
        if (startedLongAgo && (await endVanished(deps, tenantId, session.id))) {
          report.ended.push(session.id);
        }
        continue;
      }
      const inRoom = await media.listParticipants(session.livekitRoom);
      const fixed = await syncPresence(deps, tenantId, session.id, inRoom, now);
      report.joined += fixed.joined;
      report.left += fixed.left;
    }
  }

  for (const room of rooms) {
    if (!parseRoomName(room) || liveRooms.has(room)) continue;
    // A room for a class that is not live (ended, cancelled, or a failed start): remove it.
    await media.deleteRoom(room);
    report.roomsDeleted.push(room);
  }
  if (report.ended.length || report.joined || report.left || report.roomsDeleted.length) {
    deps.log?.warn({ report }, "reconciled drift between classes and LiveKit");
  }
  return report;
}

async function endVanished(
  deps: Pick<LifecycleDeps, "db" | "pool">,
  tenantId: string,
  sessionId: string,
): Promise<boolean> {
  const events = await withTenant(deps.db, tenantId, async (tx) => {
    const session = await lockSession(tx, sessionId);
    if (session?.status !== "live") return [];
    return (await finishClass(tx, tenantId, session, "reconciled", null)).events;
  });
  announceEvents(deps.pool, events);
  return events.length > 0;
}

async function syncPresence(
  deps: Pick<LifecycleDeps, "db" | "pool">,
  tenantId: string,
  sessionId: string,
  inRoom: MediaParticipant[],
  now: Date,
): Promise<{ joined: number; left: number }> {
  let joined = 0;
  let left = 0;
  const events = await withTenant(deps.db, tenantId, async (tx) => {
    const session = await lockSession(tx, sessionId);
    if (session?.status !== "live") return [] as StoredEvent[];
    const seen = new Map(inRoom.map((p) => [p.identity, p]));
    const pending = [];
    for (const userId of await presentUserIds(tx, sessionId)) {
      if (seen.has(userId)) continue;
      const participant = await findParticipant(tx, sessionId, userId);
      const since = participant?.joinedAt?.getTime() ?? 0;
      if (now.getTime() - since < GRACE_MS) continue; // still connecting
      await markLeft(tx, sessionId, [userId], now);
      pending.push(
        validateEvent({
          type: "participant.left",
          payload: { userId, reason: "disconnected" },
        }),
      );
      left += 1;
    }
    for (const [identity, person] of seen) {
      const participant = await findParticipant(tx, sessionId, identity);
      if (!participant || isPresent(participant)) continue;
      await markJoined(tx, { ...participant, tenantId }, now);
      pending.push(
        validateEvent({
          type: "participant.joined",
          payload: {
            userId: identity,
            role: participant.role,
            displayName: person.name || "Participant",
          },
        }),
      );
      joined += 1;
    }
    if (pending.length === 0) return [];
    return appendEventsIn(tx, { tenantId, sessionId, events: pending });
  });
  announceEvents(deps.pool, events);
  return { joined, left };
}
