import { createHash, randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { announceEvents } from "../db/eventLog";
import { chatMessages } from "../db/schema";
import { withTenant } from "../db/tenantContext";
import { classWithPlace, inClass } from "./classPlace";
import { AppError } from "./errors";
import type { LifecycleDeps } from "./lifecycle";
import { assertCan, can, type Actor, type SessionAction } from "./permissions";
import { appendSessionEvents } from "./sessionEvents";

/*
 * Class chat (DESIGN.md sections 5 and 7): each command appends its event and
 * updates the `chat_messages` projection in one transaction. A retried post
 * (same Idempotency-Key) returns the original message and appends nothing.
 */

export const chatLimits = { maxLength: 2_000 };

export const postSchema = z.object({
  body: z
    .string()
    .trim()
    .min(1, "Write a message first")
    .max(chatLimits.maxLength, `A message may be at most ${chatLimits.maxLength} characters`),
  /** "teachers": a private message to the class's teachers. */
  audience: z.enum(["everyone", "teachers"]).default("everyone"),
});

export interface ChatMessage {
  messageId: string;
  sequence: number;
  authorUserId: string | null;
  audience: "everyone" | "teachers";
  body: string;
  deleted: boolean;
  at: string;
}

type ChatDeps = Pick<LifecycleDeps, "db" | "pool">;

async function placeFor(deps: ChatDeps, actor: Actor, sessionId: string, action: SessionAction) {
  const { session, place } = await withTenant(deps.db, actor.tenantId, (tx) =>
    classWithPlace(tx, actor, sessionId),
  );
  const me = inClass(actor, sessionId, place);
  const here = { tenantId: actor.tenantId, kind: "session" as const, sessionId };
  assertCan(me, action, here);
  if (session.status !== "live") {
    throw new AppError("conflict", "Chat is open while the class is live.");
  }
  return { teaching: can(me, "chat:moderate", here) };
}

export async function postMessage(
  deps: ChatDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<ChatMessage> {
  const { body, audience } = postSchema.parse(input);
  await placeFor(deps, actor, sessionId, "chat:post");
  // From the key when there is one: a retry must be the same event, id included.
  const messageId = idempotencyKey
    ? idFrom(`${sessionId}:${actor.userId}:${idempotencyKey}`)
    : randomUUID();
  const { events, replayed } = await appendSessionEvents(
    deps.pool,
    {
      tenantId: actor.tenantId,
      sessionId,
      idempotencyKey,
      events: [
        {
          type: "chat.posted",
          payload: { messageId, body, audience },
          actorUserId: actor.userId,
        },
      ],
    },
    {
      project: async (tx, stored) => {
        const event = stored[0]!;
        await tx.insert(chatMessages).values({
          id: messageId,
          tenantId: actor.tenantId,
          sessionId,
          sequence: event.sequence,
          authorUserId: actor.userId,
          audience,
          body,
          createdAt: event.occurredAt,
        });
      },
    },
  );
  if (!replayed) announceEvents(deps.pool, events);
  const event = events[0]!;
  const payload = event.payload as {
    messageId: string;
    body: string;
    audience: "everyone" | "teachers";
  };
  return {
    messageId: payload.messageId,
    sequence: event.sequence,
    authorUserId: event.actorUserId,
    audience: payload.audience,
    body: payload.body,
    deleted: false,
    at: event.occurredAt.toISOString(),
  };
}

/** Moderators remove a message for everyone (it stays in the log, marked deleted). */
export async function deleteMessage(
  deps: ChatDeps,
  actor: Actor,
  sessionId: string,
  messageId: string,
): Promise<void> {
  await placeFor(deps, actor, sessionId, "chat:moderate");
  const [message] = await withTenant(deps.db, actor.tenantId, (tx) =>
    tx
      .select({ deletedAt: chatMessages.deletedAt })
      .from(chatMessages)
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.sessionId, sessionId))),
  );
  if (!message) throw new AppError("not_found", "That message is not in this class.");
  if (message.deletedAt) return;
  const { events } = await appendSessionEvents(
    deps.pool,
    {
      tenantId: actor.tenantId,
      sessionId,
      events: [{ type: "chat.deleted", payload: { messageId }, actorUserId: actor.userId }],
    },
    {
      project: async (tx, stored) => {
        await tx
          .update(chatMessages)
          .set({ deletedAt: stored[0]!.occurredAt, deletedBy: actor.userId })
          .where(eq(chatMessages.id, messageId));
      },
    },
  );
  announceEvents(deps.pool, events);
}

/** The class's chat as this person may see it (private messages: teachers and their author). */
export async function chatHistory(
  deps: ChatDeps,
  actor: Actor,
  sessionId: string,
): Promise<ChatMessage[]> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const { place } = await classWithPlace(tx, actor, sessionId);
    const me = inClass(actor, sessionId, place);
    const here = { tenantId: actor.tenantId, kind: "session" as const, sessionId };
    assertCan(me, "session:join", here);
    const teaching = can(me, "chat:moderate", here);
    const rows = await tx
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, sessionId))
      .orderBy(asc(chatMessages.sequence));
    return rows
      .filter((r) => r.audience === "everyone" || teaching || r.authorUserId === actor.userId)
      .map((r) => ({
        messageId: r.id,
        sequence: r.sequence,
        authorUserId: r.authorUserId,
        audience: r.audience,
        body: r.deletedAt ? "" : r.body,
        deleted: r.deletedAt !== null,
        at: r.createdAt.toISOString(),
      }));
  });
}

/** A stable UUID (version 4 layout) derived from text. */
function idFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
