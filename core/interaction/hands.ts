import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { hands } from "../../db/schema";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { personInClass } from "../classes/classPlace";
import { actInLiveClass, appendInteraction, type InteractionDeps } from "./interaction";
import { assertCan, type Actor } from "../identity/permissions";

/*
 * Raised hands: students raise and lower their own; teachers lower anyone's
 * in the class (naming someone not in it is a 404), or all at once. Each
 * change appends its event and updates the `hands` projection in one
 * transaction; a person has at most one raised hand (a unique index), and
 * raising or lowering twice changes nothing.
 */

export const handSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("raise") }),
  z.object({ action: z.literal("lower"), userId: z.uuid().optional() }),
  z.object({ action: z.literal("lower_all") }),
]);

export interface RaisedHand {
  userId: string;
  raisedAt: string;
  sequence: number;
}

export async function changeHand(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
): Promise<RaisedHand[]> {
  const action = handSchema.parse(input);
  const here = { tenantId: actor.tenantId, kind: "session" as const, sessionId };
  const other = action.action === "lower" && action.userId !== actor.userId && action.userId;
  const queue = await withTenant(deps.db, actor.tenantId, async (tx) => {
    const { me } = await actInLiveClass(tx, actor, sessionId, "session:join", NOT_LIVE);
    if (action.action === "raise") assertCan(me, "hand:raise", here);
    else if (action.action === "lower_all" || other) assertCan(me, "hand:lower_any", here);
    // Whose hand is lowered must be someone of this class, raised or not.
    if (other) await personInClass(tx, sessionId, other);
    return handQueue(tx, sessionId);
  });
  const raised = (userId: string) => queue.some((h) => h.userId === userId);
  let events: { type: "hand.raised" | "hand.lowered"; userId: string }[] = [];
  if (action.action === "raise") {
    if (!raised(actor.userId)) events = [{ type: "hand.raised", userId: actor.userId }];
  } else {
    const who =
      action.action === "lower_all" ? queue.map((h) => h.userId) : [other || actor.userId];
    events = who.filter(raised).map((userId) => ({ type: "hand.lowered", userId }));
  }
  if (events.length === 0) return queue;
  await appendInteraction(
    deps,
    actor,
    sessionId,
    events.map(({ type, userId }) => ({
      type,
      payload:
        type === "hand.lowered" && userId !== actor.userId
          ? { userId, by: actor.userId }
          : { userId },
    })),
  ).catch((error: unknown) => {
    // Two tabs raising at once: the unique index keeps one hand; the other changes nothing.
    if ((error as { code?: string }).code !== "23505") throw error;
  });
  return raisedHands(deps, actor, sessionId);
}

const NOT_LIVE = "Hands are raised in a live class.";

/** The raised hands of a class, first raised first (for anyone in it). */
export async function raisedHands(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
): Promise<RaisedHand[]> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(tx, actor, sessionId, "session:join", NOT_LIVE);
    return handQueue(tx, sessionId);
  });
}

async function handQueue(tx: TenantTx, sessionId: string): Promise<RaisedHand[]> {
  const rows = await tx
    .select()
    .from(hands)
    .where(and(eq(hands.sessionId, sessionId), isNull(hands.loweredAt)))
    .orderBy(asc(hands.sequence));
  return rows.map((r) => ({
    userId: r.userId,
    raisedAt: r.raisedAt.toISOString(),
    sequence: r.sequence,
  }));
}
