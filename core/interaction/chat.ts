import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { eventsOfTypes } from "../../db/eventLog";
import { chatMessages } from "../../db/schema";
import { withTenant } from "../../db/tenantContext";
import { inThisClass, personInClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import {
  actInLiveClass,
  appendInteraction,
  newId,
  viewClass,
  type InteractionDeps,
} from "./interaction";
import type { Actor, SessionAction } from "../identity/permissions";

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

/** Who is muted and whether chat is closed to students: folded from the class's events. */
export interface ChatRules {
  locked: boolean;
  muted: string[];
}

export function chatRulesFrom(events: { type: string; payload: unknown }[]): ChatRules {
  let locked = false;
  const muted = new Set<string>();
  for (const { type, payload } of events) {
    const p = payload as { locked?: boolean; userId?: string; muted?: boolean };
    if (type === "chat.locked") locked = p.locked === true;
    if (type === "chat.muted" && p.userId) {
      if (p.muted) muted.add(p.userId);
      else muted.delete(p.userId);
    }
  }
  return { locked, muted: [...muted] };
}

const RULE_EVENTS = ["chat.locked", "chat.muted"];

async function placeFor(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  action: SessionAction,
) {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const { teaching } = await actInLiveClass(
      tx,
      actor,
      sessionId,
      action,
      "Chat is open while the class is live.",
    );
    const rules = chatRulesFrom(await eventsOfTypes(tx, sessionId, RULE_EVENTS));
    return { teaching, rules };
  });
}

export async function postMessage(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<ChatMessage> {
  const { body, audience } = postSchema.parse(input);
  const { teaching, rules } = await placeFor(deps, actor, sessionId, "chat:post");
  if (!teaching && rules.locked) {
    throw new AppError("forbidden", "Your teacher has closed the chat for now.");
  }
  if (rules.muted.includes(actor.userId)) {
    throw new AppError("forbidden", "A teacher has muted you in this chat.");
  }
  const messageId = newId(sessionId, actor, idempotencyKey);
  const { events } = await appendInteraction(
    deps,
    actor,
    sessionId,
    [{ type: "chat.posted", payload: { messageId, body, audience } }],
    idempotencyKey,
  );
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
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  messageId: string,
): Promise<void> {
  await placeFor(deps, actor, sessionId, "chat:moderate");
  const [found] = await withTenant(deps.db, actor.tenantId, (tx) =>
    tx
      .select({ deletedAt: chatMessages.deletedAt })
      .from(chatMessages)
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.sessionId, sessionId))),
  );
  if (inThisClass(found, "message").deletedAt) return;
  await appendInteraction(deps, actor, sessionId, [
    { type: "chat.deleted", payload: { messageId } },
  ]);
}

export const moderationSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("mute"), userId: z.uuid(), muted: z.boolean() }),
  z.object({ action: z.literal("lock"), locked: z.boolean() }),
]);

/**
 * Mute or unmute a participant in chat (moderators; never a teacher), or
 * close chat to students and open it again (the host). Returns the new rules;
 * a change that changes nothing appends nothing.
 */
export async function moderateChat(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
): Promise<ChatRules> {
  const action = moderationSchema.parse(input);
  const { rules } = await placeFor(
    deps,
    actor,
    sessionId,
    action.action === "lock" ? "chat:lock" : "chat:moderate",
  );
  let event: { type: string; payload: object } | null = null;
  if (action.action === "lock") {
    if (rules.locked !== action.locked) {
      event = { type: "chat.locked", payload: { locked: action.locked } };
    }
  } else {
    const target = await withTenant(deps.db, actor.tenantId, (tx) =>
      personInClass(tx, sessionId, action.userId),
    );
    if (target.role === "host" || target.role === "co_teacher") {
      throw new AppError("forbidden", "Teachers can't be muted.");
    }
    if (rules.muted.includes(action.userId) !== action.muted) {
      event = { type: "chat.muted", payload: { userId: action.userId, muted: action.muted } };
    }
  }
  if (!event) return rules;
  await appendInteraction(deps, actor, sessionId, [event]);
  if (action.action === "lock") return { ...rules, locked: action.locked };
  const others = rules.muted.filter((id) => id !== action.userId);
  return { ...rules, muted: action.muted ? [...others, action.userId] : others };
}

/** The class's chat as this person may see it (private messages: teachers and their author). */
export async function chatHistory(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
): Promise<{ messages: ChatMessage[]; rules: ChatRules }> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const { teaching } = await viewClass(tx, actor, sessionId);
    const rows = await tx
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, sessionId))
      .orderBy(asc(chatMessages.sequence));
    const rules = chatRulesFrom(await eventsOfTypes(tx, sessionId, RULE_EVENTS));
    const messages = rows
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
    return { messages, rules };
  });
}
