import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { questions, questionUpvotes } from "../../db/schema";
import { withTenant } from "../../db/tenantContext";
import { inThisClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import {
  actInLiveClass,
  appendInteraction,
  checkLiveClass,
  newId,
  viewClass,
  type InteractionDeps,
} from "./interaction";
import type { Actor } from "../identity/permissions";

/*
 * Moderated Q&A: students (and co-teachers) ask, openly or anonymously, and
 * upvote others' questions once; teachers answer, dismiss and pin. Anonymous
 * means anonymous to everyone but the asker: the log keeps the author (for
 * audit), the API and live feeds never show it.
 */

export const askSchema = z.object({
  body: z
    .string()
    .trim()
    .min(1, "Write your question first")
    .max(1_000, "A question may be at most 1000 characters"),
  anonymous: z.boolean().default(false),
});

export const moderateSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("upvote") }),
  z.object({
    action: z.literal("answer"),
    answer: z.string().trim().max(4_000).nullish(),
  }),
  z.object({ action: z.literal("dismiss") }),
  z.object({ action: z.literal("pin"), pinned: z.boolean() }),
]);

export const questionSortSchema = z.enum(["top", "recent"]).default("top");

export interface Question {
  questionId: string;
  /** The event that asked it: replay and the log find it by this. */
  sequence: number;
  body: string;
  /** Null when asked anonymously (unless it is yours). */
  authorUserId: string | null;
  anonymous: boolean;
  mine: boolean;
  status: "open" | "answered" | "dismissed";
  pinned: boolean;
  answer: string | null;
  upvotes: number;
  upvotedByMe: boolean;
  at: string;
}

export async function askQuestion(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<Question> {
  const { body, anonymous } = askSchema.parse(input);
  await checkLiveClass(deps, actor, sessionId, "question:ask", "Questions open with the class.");
  const questionId = newId(sessionId, actor, idempotencyKey);
  await appendInteraction(
    deps,
    actor,
    sessionId,
    [{ type: "question.asked", payload: { questionId, body, anonymous } }],
    idempotencyKey,
  );
  return (await listQuestions(deps, actor, sessionId)).find((q) => q.questionId === questionId)!;
}

/** Upvote (once per person, never your own), answer, dismiss or pin a question. */
export async function actOnQuestion(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  questionId: string,
  input: unknown,
): Promise<Question> {
  const action = moderateSchema.parse(input);
  const question = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(
      tx,
      actor,
      sessionId,
      action.action === "upvote" ? "question:upvote" : "question:moderate",
      "Questions open with the class.",
    );
    const [row] = await tx
      .select()
      .from(questions)
      .where(and(eq(questions.id, questionId), eq(questions.sessionId, sessionId)));
    return inThisClass(row, "question");
  });
  const event = (() => {
    switch (action.action) {
      case "upvote":
        if (question.authorUserId === actor.userId) {
          throw new AppError("conflict", "You can't upvote your own question.");
        }
        return { type: "question.upvoted", payload: { questionId } };
      case "answer":
        return {
          type: "question.answered",
          payload: { questionId, answer: action.answer ?? null },
        };
      case "dismiss":
        return question.status === "dismissed"
          ? null
          : { type: "question.dismissed", payload: { questionId } };
      case "pin":
        return question.pinned === action.pinned
          ? null
          : { type: "question.pinned", payload: { questionId, pinned: action.pinned } };
    }
  })();
  if (event) await appendInteraction(deps, actor, sessionId, [event]);
  return (await listQuestions(deps, actor, sessionId)).find((q) => q.questionId === questionId)!;
}

/**
 * The class's questions as this person may see them: dismissed ones only to
 * teachers and their asker. "top": pinned first, then most upvoted, then
 * oldest; "recent": newest first.
 */
export async function listQuestions(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  sort: "top" | "recent" = "top",
): Promise<Question[]> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const { teaching } = await viewClass(tx, actor, sessionId);
    const rows = await tx.select().from(questions).where(eq(questions.sessionId, sessionId));
    const mine = new Set(
      (
        await tx
          .select({ questionId: questionUpvotes.questionId })
          .from(questionUpvotes)
          .innerJoin(questions, eq(questions.id, questionUpvotes.questionId))
          .where(and(eq(questions.sessionId, sessionId), eq(questionUpvotes.userId, actor.userId)))
      ).map((r) => r.questionId),
    );
    const list = rows
      .filter((r) => r.status !== "dismissed" || teaching || r.authorUserId === actor.userId)
      .map((r): Question => ({
        questionId: r.id,
        sequence: r.sequence,
        body: r.body,
        authorUserId: r.anonymous && r.authorUserId !== actor.userId ? null : r.authorUserId,
        anonymous: r.anonymous,
        mine: r.authorUserId === actor.userId,
        status: r.status,
        pinned: r.pinned,
        answer: r.answer,
        upvotes: r.upvotes,
        upvotedByMe: mine.has(r.id),
        at: r.createdAt.toISOString(),
      }));
    return sortQuestions(list, sort);
  });
}

export function sortQuestions<T extends Pick<Question, "pinned" | "upvotes" | "sequence">>(
  list: T[],
  sort: "top" | "recent",
): T[] {
  return [...list].sort((a, b) =>
    sort === "recent"
      ? b.sequence - a.sequence
      : Number(b.pinned) - Number(a.pinned) || b.upvotes - a.upvotes || a.sequence - b.sequence,
  );
}
