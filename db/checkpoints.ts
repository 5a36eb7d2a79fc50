import { and, desc, eq, lte, max, sql } from "drizzle-orm";
import { sessionDocCheckpoints, sessionStateEvents } from "./schema";
import type { TenantTx } from "./tenantContext";

/* Snapshots of a class's Yjs document, so it loads without replaying its whole log. */

export async function latestCheckpoint(
  tx: TenantTx,
  sessionId: string,
  atMost = Number.MAX_SAFE_INTEGER,
): Promise<{ uptoSequence: number; state: Uint8Array } | null> {
  const [row] = await tx
    .select({
      uptoSequence: sessionDocCheckpoints.uptoSequence,
      state: sessionDocCheckpoints.state,
    })
    .from(sessionDocCheckpoints)
    .where(
      and(
        eq(sessionDocCheckpoints.sessionId, sessionId),
        lte(sessionDocCheckpoints.uptoSequence, atMost),
      ),
    )
    .orderBy(desc(sessionDocCheckpoints.uptoSequence))
    .limit(1);
  return row ?? null;
}

export async function saveCheckpoint(
  tx: TenantTx,
  values: { tenantId: string; sessionId: string; uptoSequence: number; state: Uint8Array },
): Promise<void> {
  await tx
    .insert(sessionDocCheckpoints)
    .values({ ...values, state: Buffer.from(values.state) })
    .onConflictDoNothing();
}

/** The last sequence of a class at or before an instant (0 before its first event). */
export async function sequenceAt(tx: TenantTx, sessionId: string, at: Date): Promise<number> {
  const [row] = await tx
    .select({ last: max(sessionStateEvents.sequence) })
    .from(sessionStateEvents)
    .where(
      and(
        eq(sessionStateEvents.sessionId, sessionId),
        sql`${sessionStateEvents.occurredAt} <= ${at.toISOString()}`,
      ),
    );
  return Number(row?.last ?? 0);
}
