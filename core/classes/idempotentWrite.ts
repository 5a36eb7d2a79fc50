import { createHash } from "node:crypto";
import { canonicalJson } from "../../db/eventLog";
import { claimIdempotencyKey, completeIdempotencyKey } from "../../db/idempotency";
import type { TenantTx } from "../../db/tenantContext";
import { AppError } from "../platform/errors";

/**
 * Claim an `Idempotency-Key` for a write, inside the write's transaction.
 * "new": do the work, then `rememberWrite` its answer (or pass the answer now
 * when it is known up front). "replay": the same person sent the same request
 * before; the stored answer is returned. The same key for a different request
 * is a conflict.
 */
export async function claimWrite(
  tx: TenantTx,
  scope: { tenantId: string; userId: string },
  key: string | undefined,
  request: unknown,
  knownResponse?: unknown,
): Promise<{ status: "none" | "new" } | { status: "replay"; response: unknown }> {
  if (!key) return { status: "none" };
  const hash = requestHash(scope, request);
  const claim = await claimIdempotencyKey(
    tx,
    scope.tenantId,
    key,
    hash,
    knownResponse === undefined ? undefined : { statusCode: 200, response: knownResponse },
  );
  if (claim.status === "conflict") {
    throw new AppError(
      "conflict",
      "This idempotency key was already used for a different request.",
    );
  }
  return claim.status === "replay" ? { status: "replay", response: claim.response } : claim;
}

export async function rememberWrite(
  tx: TenantTx,
  tenantId: string,
  key: string | undefined,
  response: unknown,
): Promise<void> {
  if (key) await completeIdempotencyKey(tx, tenantId, key, 200, response);
}

/** What identifies a request under its key: who sent it and what it asked. */
export function requestHash(scope: { userId: string }, request: unknown): string {
  return createHash("sha256")
    .update(canonicalJson({ actor: scope.userId, request }))
    .digest("hex");
}
