import { and, eq, sql } from "drizzle-orm";
import { idempotencyKeys } from "./schema";
import type { TenantTx } from "./tenantContext";

export type Claim = { status: "new" } | { status: "replay"; statusCode: number; response: unknown };

/**
 * Claim an idempotency key for an HTTP write that is not a bare event append,
 * inside the write's own transaction. A concurrent retry waits on the key's row
 * until the first attempt commits, then replays its stored answer; the same key
 * for a different request is reported as `"conflict"`.
 */
export async function claimIdempotencyKey(
  tx: TenantTx,
  tenantId: string,
  key: string,
  requestHash: string,
  /** The answer, when it is known before the work is done (then no completion is needed). */
  known?: { statusCode: number; response: unknown },
): Promise<Claim | { status: "conflict" }> {
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({
      tenantId,
      key,
      requestHash,
      statusCode: known?.statusCode ?? 0,
      response: known ? known.response : sql`'null'::jsonb`,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length) return { status: "new" };
  const [row] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
  if (!row || row.requestHash !== requestHash) return { status: "conflict" };
  return { status: "replay", statusCode: row.statusCode, response: row.response };
}

export async function completeIdempotencyKey(
  tx: TenantTx,
  tenantId: string,
  key: string,
  statusCode: number,
  response: unknown,
): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
}
