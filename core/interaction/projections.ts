import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client";
import type { StoredEvent } from "../../db/eventLog";
import {
  chatMessages,
  ctas,
  hands,
  pollOptions,
  polls,
  pollVotes,
  questions,
  questionUpvotes,
  sessions,
  sessionStateEvents,
} from "../../db/schema";
import { withTenant } from "../../db/tenantContext";
import { inThisClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import type { EventPayload, EventType } from "../log/events";

/*
 * The interaction projections (chat, Q&A, polls, hands, cards) as functions
 * of events. Commands run them inside the append's transaction, so a row
 * exists exactly when its event does; `rebuildProjections` replays a class's
 * log through the same functions. A projector throws AppError to refuse an
 * event (e.g. a second vote), which rolls the append back.
 *
 * An event that names a row (a message, a question, a poll, a card) changes
 * that row of its own class only, and must find it there: `thisClass` scopes
 * the update and `named` refuses, as not found, an update that matched no row.
 * A change already made still matches (its columns keep their first values),
 * so matching nothing always means "not in this class".
 */

type Projector<T extends EventType> = (
  tx: Database,
  event: StoredEvent & { payload: EventPayload<T> },
) => Promise<void>;

const projectors: { [T in EventType]?: Projector<T> } = {
  "chat.posted": async (tx, e) => {
    await tx.insert(chatMessages).values({
      id: e.payload.messageId,
      tenantId: e.tenantId,
      sessionId: e.sessionId,
      sequence: e.sequence,
      authorUserId: e.actorUserId,
      audience: e.payload.audience,
      body: e.payload.body,
      createdAt: e.occurredAt,
    });
  },
  "chat.deleted": async (tx, e) => {
    const m = chatMessages;
    const rows = await tx
      .update(m)
      .set({
        deletedAt: sql`coalesce(${m.deletedAt}, ${e.occurredAt.toISOString()}::timestamptz)`,
        deletedBy: sql`case when ${m.deletedAt} is null then ${e.actorUserId}::uuid else ${m.deletedBy} end`,
      })
      .where(thisClass(m, e, e.payload.messageId))
      .returning({ id: m.id });
    named(rows, "message");
  },

  "question.asked": async (tx, e) => {
    await tx.insert(questions).values({
      id: e.payload.questionId,
      tenantId: e.tenantId,
      sessionId: e.sessionId,
      sequence: e.sequence,
      authorUserId: e.actorUserId,
      anonymous: e.payload.anonymous,
      body: e.payload.body,
      createdAt: e.occurredAt,
      updatedAt: e.occurredAt,
    });
  },
  "question.upvoted": async (tx, e) => {
    const rows = await tx
      .update(questions)
      .set({ upvotes: sql`${questions.upvotes} + 1`, updatedAt: e.occurredAt })
      .where(thisClass(questions, e, e.payload.questionId))
      .returning({ id: questions.id });
    named(rows, "question");
    const added = await tx
      .insert(questionUpvotes)
      .values({
        tenantId: e.tenantId,
        questionId: e.payload.questionId,
        userId: e.actorUserId!,
        createdAt: e.occurredAt,
      })
      .onConflictDoNothing()
      .returning({ userId: questionUpvotes.userId });
    // Refused, the append rolls back with the count it raised.
    if (added.length === 0) throw new AppError("conflict", "You have already upvoted this.");
  },
  "question.answered": async (tx, e) => {
    const rows = await tx
      .update(questions)
      .set({
        status: "answered",
        answer: e.payload.answer,
        answeredBy: e.actorUserId,
        answeredAt: e.occurredAt,
        updatedAt: e.occurredAt,
      })
      .where(thisClass(questions, e, e.payload.questionId))
      .returning({ id: questions.id });
    named(rows, "question");
  },
  "question.dismissed": async (tx, e) => {
    const rows = await tx
      .update(questions)
      .set({ status: "dismissed", pinned: false, updatedAt: e.occurredAt })
      .where(thisClass(questions, e, e.payload.questionId))
      .returning({ id: questions.id });
    named(rows, "question");
  },
  "question.pinned": async (tx, e) => {
    const rows = await tx
      .update(questions)
      .set({ pinned: e.payload.pinned, updatedAt: e.occurredAt })
      .where(thisClass(questions, e, e.payload.questionId))
      .returning({ id: questions.id });
    named(rows, "question");
  },

  "poll.created": async (tx, e) => {
    const p = e.payload;
    await tx.insert(polls).values({
      id: p.pollId,
      tenantId: e.tenantId,
      sessionId: e.sessionId,
      prompt: p.prompt,
      kind: p.kind,
      anonymous: p.anonymous,
      quiz: p.quiz,
      allowChange: p.allowChange,
      createdBy: e.actorUserId,
      createdAt: e.occurredAt,
      updatedAt: e.occurredAt,
    });
    await tx.insert(pollOptions).values(
      p.options.map((o, position) => ({
        id: o.optionId,
        tenantId: e.tenantId,
        pollId: p.pollId,
        label: o.label,
        position,
        isCorrect: o.isCorrect ?? false,
      })),
    );
  },
  "poll.opened": async (tx, e) => {
    const rows = await tx
      .update(polls)
      .set({ status: "open", openedAt: e.occurredAt, updatedAt: e.occurredAt })
      .where(thisClass(polls, e, e.payload.pollId))
      .returning({ id: polls.id });
    named(rows, "poll");
  },
  "poll.voted": async (tx, e) => {
    const [found] = await tx
      .select({ allowChange: polls.allowChange, status: polls.status })
      .from(polls)
      .where(thisClass(polls, e, e.payload.pollId));
    const poll = inThisClass(found, "poll");
    // Checked here, under the append's lock on the class, so a vote racing the close loses.
    if (poll.status !== "open") throw new AppError("conflict", "This poll has closed.");
    const vote = {
      tenantId: e.tenantId,
      pollId: e.payload.pollId,
      userId: e.actorUserId!,
      optionIds: e.payload.optionIds,
      createdAt: e.occurredAt,
      updatedAt: e.occurredAt,
    };
    const insert = tx.insert(pollVotes).values(vote);
    // The unique (poll, user) index is what keeps one vote per person, even for
    // two votes sent at the same moment.
    const written = poll.allowChange
      ? await insert
          .onConflictDoUpdate({
            target: [pollVotes.pollId, pollVotes.userId],
            set: { optionIds: vote.optionIds, updatedAt: vote.updatedAt },
          })
          .returning({ id: pollVotes.id })
      : await insert.onConflictDoNothing().returning({ id: pollVotes.id });
    if (written.length === 0)
      throw new AppError("conflict", "You have already voted in this poll.");
  },
  "poll.closed": async (tx, e) => {
    const rows = await tx
      .update(polls)
      .set({
        status: "closed",
        closedAt: e.occurredAt,
        updatedAt: e.occurredAt,
        ...(e.payload.resultsShared ? { resultsShared: true } : {}),
      })
      .where(thisClass(polls, e, e.payload.pollId))
      .returning({ id: polls.id });
    named(rows, "poll");
  },
  "poll.results_shared": async (tx, e) => {
    const rows = await tx
      .update(polls)
      .set({ resultsShared: true, updatedAt: e.occurredAt })
      .where(thisClass(polls, e, e.payload.pollId))
      .returning({ id: polls.id });
    named(rows, "poll");
  },

  "hand.raised": async (tx, e) => {
    await tx.insert(hands).values({
      tenantId: e.tenantId,
      sessionId: e.sessionId,
      userId: e.payload.userId,
      sequence: e.sequence,
      raisedAt: e.occurredAt,
    });
  },
  "hand.lowered": async (tx, e) => {
    await tx
      .update(hands)
      .set({ loweredAt: e.occurredAt, loweredBy: e.payload.by ?? e.actorUserId })
      .where(
        and(
          eq(hands.sessionId, e.sessionId),
          eq(hands.userId, e.payload.userId),
          isNull(hands.loweredAt),
        ),
      );
  },

  "cta.shown": async (tx, e) => {
    await tx.insert(ctas).values({
      id: e.payload.ctaId,
      tenantId: e.tenantId,
      sessionId: e.sessionId,
      title: e.payload.title,
      body: e.payload.body,
      url: e.payload.url,
      shownAt: e.occurredAt,
      createdBy: e.actorUserId,
      createdAt: e.occurredAt,
    });
  },
  "cta.hidden": async (tx, e) => {
    const rows = await tx
      .update(ctas)
      .set({
        hiddenAt: sql`coalesce(${ctas.hiddenAt}, ${e.occurredAt.toISOString()}::timestamptz)`,
      })
      .where(thisClass(ctas, e, e.payload.ctaId))
      .returning({ id: ctas.id });
    named(rows, "card");
  },
};

/** The row of the event's own class with this id. */
function thisClass(table: { id: AnyPgColumn; sessionId: AnyPgColumn }, e: StoredEvent, id: string) {
  return and(eq(table.id, id), eq(table.sessionId, e.sessionId));
}

/** An update of a named row that matched none: the row is not in this class. */
function named(rows: unknown[], what: string): void {
  inThisClass(rows[0], what);
}

/** The event types that change an interaction projection. */
export const PROJECTED_EVENTS = Object.keys(projectors) as EventType[];

/** Apply events to the projections, in order (inside the caller's transaction). */
export async function projectEvents(tx: Database, events: StoredEvent[]): Promise<void> {
  for (const event of events) {
    const projector = projectors[event.type as EventType] as Projector<EventType> | undefined;
    await projector?.(tx, event as StoredEvent & { payload: EventPayload<EventType> });
  }
}

/**
 * Rebuild a class's interaction projections from its log, in one
 * transaction: its rows are deleted and its events replayed through the same
 * projectors the commands use. Answers how many events were applied.
 */
export async function rebuildProjections(
  db: Database,
  tenantId: string,
  sessionId: string,
): Promise<{ events: number }> {
  return withTenant(db, tenantId, async (tx) => {
    // Appends update the class row too: locking it holds them off until the rebuild commits.
    const [locked] = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.id, sessionId))
      .for("update");
    if (!locked) throw new AppError("not_found", "We couldn't find that class.");
    // Upvotes, options and votes go with their question or poll (on delete cascade).
    for (const table of [chatMessages, questions, polls, hands, ctas]) {
      await tx.delete(table).where(eq(table.sessionId, sessionId));
    }
    const e = sessionStateEvents;
    const rows = await tx
      .select({
        id: e.id,
        tenantId: e.tenantId,
        sessionId: e.sessionId,
        sequence: e.sequence,
        type: e.type,
        version: e.version,
        actorUserId: e.actorUserId,
        payload: e.payload,
        idempotencyKey: e.idempotencyKey,
        occurredAt: e.occurredAt,
      })
      .from(e)
      .where(and(eq(e.sessionId, sessionId), inArray(e.type, PROJECTED_EVENTS)))
      .orderBy(asc(e.sequence));
    await projectEvents(
      tx as unknown as Database,
      rows.map((r) => ({ ...r, yjsUpdate: null })),
    );
    return { events: rows.length };
  });
}
