import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { artifacts, enrollments, recordings, sessionParticipants, sessions, users } from "./schema";
import type { SessionRow } from "./classroom";
import type pg from "pg";
import { NOTIFY_CHANNEL } from "./eventLog";
import { notifyCommitted } from "./eventNotifier";
import type { sessionGrants } from "./schema/roles";
import type { TenantTx } from "./tenantContext";

/* A class while it runs: its row under lock, who is in it, its recordings. */

export type ParticipantRow = typeof sessionParticipants.$inferSelect;
export type RecordingRow = typeof recordings.$inferSelect;

/**
 * The class row, locked until the transaction ends: lifecycle steps of one
 * class run one at a time. "No key update", the lock the event log's append
 * takes too: it does not conflict with the key-share locks that inserting rows
 * referring to the class take, so a join that inserted its participant row
 * first cannot deadlock with another.
 */
export async function lockSession(tx: TenantTx, id: string): Promise<SessionRow | null> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.id, id)).for("no key update");
  return row ?? null;
}

/**
 * A class with one person's place in it, in one round trip: their participant
 * row (or null) and whether they are enrolled, directly or by course. With
 * `lock`, the class row is locked as `lockSession` does.
 */
export async function sessionWithPerson(
  tx: TenantTx,
  sessionId: string,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<{ session: SessionRow; participant: ParticipantRow | null; enrolled: boolean } | null> {
  const query = tx
    .select({
      session: sessions,
      participant: sessionParticipants,
      enrolled: sql<boolean>`exists (select 1 from ${enrollments} e where e.user_id = ${userId}
        and (e.session_id = ${sessions.id} or e.course_id = ${sessions.courseId}))`,
    })
    .from(sessions)
    .leftJoin(
      sessionParticipants,
      and(eq(sessionParticipants.sessionId, sessions.id), eq(sessionParticipants.userId, userId)),
    )
    .where(eq(sessions.id, sessionId));
  const [row] = options.lock ? await query.for("no key update", { of: sessions }) : await query;
  return row ?? null;
}

export async function findParticipant(
  tx: TenantTx,
  sessionId: string,
  userId: string,
): Promise<ParticipantRow | null> {
  const [row] = await tx
    .select()
    .from(sessionParticipants)
    .where(
      and(eq(sessionParticipants.sessionId, sessionId), eq(sessionParticipants.userId, userId)),
    );
  return row ?? null;
}

export async function setParticipantGrants(
  tx: TenantTx,
  participantId: string,
  grants: (typeof sessionGrants)[number][],
) {
  await tx
    .update(sessionParticipants)
    .set({ grants, updatedAt: new Date() })
    .where(eq(sessionParticipants.id, participantId));
}

/** Record that someone is in the class now (their place is created on first join). */
export async function markJoined(
  tx: TenantTx,
  values: Pick<ParticipantRow, "tenantId" | "sessionId" | "userId" | "role">,
  at: Date,
): Promise<ParticipantRow> {
  const [row] = await tx
    .insert(sessionParticipants)
    .values({ ...values, joinedAt: at, leftAt: null })
    .onConflictDoUpdate({
      target: [sessionParticipants.sessionId, sessionParticipants.userId],
      set: { joinedAt: at, leftAt: null, updatedAt: at },
    })
    .returning();
  return row!;
}

export async function markLeft(tx: TenantTx, sessionId: string, userIds: string[], at: Date) {
  if (userIds.length === 0) return;
  await tx
    .update(sessionParticipants)
    .set({ leftAt: at, updatedAt: at })
    .where(
      and(
        eq(sessionParticipants.sessionId, sessionId),
        inArray(sessionParticipants.userId, userIds),
      ),
    );
}

/** Is this person in the class right now (joined and not left since)? */
export function isPresent(participant: ParticipantRow | null): boolean {
  return !!participant?.joinedAt && !participant.leftAt;
}

/** Everyone with a place in the class, present first, with names for the participant list. */
export function listParticipants(tx: TenantTx, sessionId: string) {
  return tx
    .select({
      userId: sessionParticipants.userId,
      name: users.name,
      role: sessionParticipants.role,
      grants: sessionParticipants.grants,
      joinedAt: sessionParticipants.joinedAt,
      leftAt: sessionParticipants.leftAt,
    })
    .from(sessionParticipants)
    .innerJoin(users, eq(users.id, sessionParticipants.userId))
    .where(eq(sessionParticipants.sessionId, sessionId))
    .orderBy(asc(users.name));
}

/** Participants marked present in the class (for reconciling with the media server). */
export async function presentUserIds(tx: TenantTx, sessionId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: sessionParticipants.userId })
    .from(sessionParticipants)
    .where(
      and(
        eq(sessionParticipants.sessionId, sessionId),
        isNotNull(sessionParticipants.joinedAt),
        isNull(sessionParticipants.leftAt),
      ),
    );
  return rows.map((r) => r.userId);
}

export async function setSessionState(
  tx: TenantTx,
  id: string,
  values: Partial<Pick<SessionRow, "status" | "livekitRoom" | "startedAt" | "endedAt">>,
) {
  const [row] = await tx
    .update(sessions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(sessions.id, id))
    .returning();
  return row!;
}

export function liveSessions(tx: TenantTx) {
  return tx.select().from(sessions).where(eq(sessions.status, "live"));
}

export function activeRecordings(tx: TenantTx, sessionId: string) {
  return tx
    .select()
    .from(recordings)
    .where(and(eq(recordings.sessionId, sessionId), eq(recordings.status, "recording")));
}

export async function insertRecording(tx: TenantTx, values: typeof recordings.$inferInsert) {
  const [row] = await tx.insert(recordings).values(values).returning();
  return row!;
}

export async function findRecording(tx: TenantTx, id: string): Promise<RecordingRow | null> {
  const [row] = await tx.select().from(recordings).where(eq(recordings.id, id));
  return row ?? null;
}

export async function findRecordingByEgress(
  tx: TenantTx,
  egressId: string,
): Promise<RecordingRow | null> {
  const [row] = await tx.select().from(recordings).where(eq(recordings.egressId, egressId));
  return row ?? null;
}

export async function updateRecording(
  tx: TenantTx,
  id: string,
  values: Partial<typeof recordings.$inferInsert>,
): Promise<RecordingRow> {
  const [row] = await tx
    .update(recordings)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(recordings.id, id))
    .returning();
  return row!;
}

/**
 * Ask for the artifact pipeline to run for an ended class: its first stage's
 * row, pending. The pipeline's workers pick pending rows up; asking twice is fine.
 */
export async function requestArtifacts(tx: TenantTx, tenantId: string, sessionId: string) {
  await tx
    .insert(artifacts)
    .values({ tenantId, sessionId, kind: "audio", status: "pending" })
    .onConflictDoNothing();
}

export type JoinOutcome =
  | { outcome: "joined"; sequence: number }
  | { outcome: "present" }
  | { outcome: "not_live"; status: SessionRow["status"] }
  | { outcome: "not_found" | "key_conflict" };

const JOIN_SQL = `select outcome, status, sequence from lectern_join_class($1, $2, $3, $4, $5, $6, $7, $8)`;

/**
 * Mark someone present in a live class and append their `participant.joined`
 * (already checked against the catalog), in one autocommit statement
 * (migration 0006): the class's lock is held only inside it. Claims the
 * request's idempotency key in the same transaction.
 */
export async function joinLiveClass(
  pool: pg.Pool,
  input: {
    tenantId: string;
    sessionId: string;
    userId: string;
    role: ParticipantRow["role"];
    version: number;
    payload: unknown;
    idempotency: { key: string; hash: string } | null;
  },
): Promise<JoinOutcome> {
  const { rows } = await pool.query<{
    outcome: string;
    status: string | null;
    sequence: number | null;
  }>({
    name: "lectern_join_class",
    text: JOIN_SQL,
    values: [
      input.tenantId,
      input.sessionId,
      input.userId,
      input.role,
      input.version,
      JSON.stringify(input.payload),
      input.idempotency?.key ?? null,
      input.idempotency?.hash ?? null,
    ],
  });
  const row = rows[0]!;
  if (row.outcome === "joined") {
    notifyCommitted(pool, NOTIFY_CHANNEL, `${input.sessionId}:${row.sequence}-${row.sequence}`);
    return { outcome: "joined", sequence: row.sequence! };
  }
  if (row.outcome === "not_live") {
    return { outcome: "not_live", status: row.status as SessionRow["status"] };
  }
  return { outcome: row.outcome as "present" | "not_found" | "key_conflict" };
}
