import { createHash, randomUUID } from "node:crypto";
import { announceEvents, type AppendResult } from "../../db/eventLog";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { classWithPlace, inClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import type { LifecycleDeps } from "../classes/lifecycle";
import { assertCan, can, type Actor, type SessionAction } from "../identity/permissions";
import { projectEvents } from "./projections";
import { appendSessionEvents, type SessionEventsAppend } from "../log/sessionEvents";

/*
 * What the interaction commands (chat, Q&A, polls, hands, cards) share: the
 * check that the actor may act in this live class, and the append that
 * writes the events and their projections in one transaction.
 */

export type InteractionDeps = Pick<LifecycleDeps, "db" | "pool">;

/**
 * Inside the caller's transaction: the actor may do `action` in this class,
 * and the class is live. Answers the actor as they act in the class and
 * whether they teach it (host or co-teacher).
 */
export async function actInLiveClass(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: SessionAction,
  notLive = "This works while the class is live.",
) {
  const { session, place } = await classWithPlace(tx, actor, sessionId);
  const me = inClass(actor, sessionId, place);
  const here = { tenantId: actor.tenantId, kind: "session" as const, sessionId };
  assertCan(me, action, here);
  if (session.status !== "live") throw new AppError("conflict", notLive);
  return { me, teaching: can(me, "chat:moderate", here), place };
}

/** Inside the caller's transaction: the actor may see this class (live or not); do they teach it? */
export async function viewClass(tx: TenantTx, actor: Actor, sessionId: string) {
  const { session, place } = await classWithPlace(tx, actor, sessionId);
  const me = inClass(actor, sessionId, place);
  const here = { tenantId: actor.tenantId, kind: "session" as const, sessionId };
  assertCan(me, "session:join", here);
  return { session, teaching: can(me, "chat:moderate", here) };
}

/** `actInLiveClass` in a transaction of its own. */
export function checkLiveClass(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  action: SessionAction,
  notLive?: string,
) {
  return withTenant(deps.db, actor.tenantId, (tx) =>
    actInLiveClass(tx, actor, sessionId, action, notLive),
  );
}

/**
 * Append the actor's events and update the projections in one transaction,
 * then tell the class's live feeds. A retry with a used idempotency key
 * appends nothing and answers the first events.
 */
export async function appendInteraction(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  events: Omit<SessionEventsAppend["events"][number], "actorUserId">[],
  idempotencyKey?: string,
): Promise<AppendResult> {
  const result = await appendSessionEvents(
    deps.pool,
    {
      tenantId: actor.tenantId,
      sessionId,
      idempotencyKey,
      events: events.map((e) => ({ ...e, actorUserId: actor.userId })),
    },
    { project: projectEvents },
  );
  if (!result.replayed) announceEvents(deps.pool, result.events);
  return result;
}

/**
 * The id of a new thing: from the idempotency key when there is one (a retry
 * must be the same event, id included), else random.
 */
export function newId(sessionId: string, actor: Actor, idempotencyKey?: string): string {
  return idempotencyKey ? idFrom(`${sessionId}:${actor.userId}:${idempotencyKey}`) : randomUUID();
}

/** A stable UUID (version 4 layout) derived from text. */
function idFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
