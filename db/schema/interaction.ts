import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./columns";
import { sessions } from "./classroom";
import { users } from "./identity";
import { tenantId } from "./tenantColumn";

/*
 * Projections of the event log: each row is derived from events and can be
 * rebuilt from them. `sequence` is the event that created the row.
 */

const sessionId = () =>
  uuid("session_id")
    .notNull()
    .references(() => sessions.id, { onDelete: "cascade" });

export const chatMessages = pgTable(
  "chat_messages",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    sequence: bigint("sequence", { mode: "number" }).notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    audience: text("audience", { enum: ["everyone", "teachers"] })
      .notNull()
      .default("everyone"),
    body: text("body").notNull(),
    deletedAt: at("deleted_at"),
    deletedBy: uuid("deleted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("chat_messages_session_seq_idx").on(t.sessionId, t.sequence)],
);

export const questions = pgTable(
  "questions",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    sequence: bigint("sequence", { mode: "number" }).notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    anonymous: boolean("anonymous").notNull().default(false),
    body: text("body").notNull(),
    status: text("status", { enum: ["open", "answered", "dismissed"] })
      .notNull()
      .default("open"),
    pinned: boolean("pinned").notNull().default(false),
    answer: text("answer"),
    answeredBy: uuid("answered_by").references(() => users.id, { onDelete: "set null" }),
    answeredAt: at("answered_at"),
    upvotes: integer("upvotes").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("questions_session_idx").on(t.sessionId, t.sequence)],
);

export const questionUpvotes = pgTable(
  "question_upvotes",
  {
    tenantId: tenantId(),
    questionId: uuid("question_id")
      .notNull()
      .references(() => questions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.userId] })],
);

export const polls = pgTable(
  "polls",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    prompt: text("prompt").notNull(),
    kind: text("kind", { enum: ["single", "multiple"] }).notNull(),
    anonymous: boolean("anonymous").notNull().default(false),
    quiz: boolean("quiz").notNull().default(false),
    allowChange: boolean("allow_change").notNull().default(true),
    status: text("status", { enum: ["draft", "open", "closed"] })
      .notNull()
      .default("draft"),
    resultsShared: boolean("results_shared").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    openedAt: at("opened_at"),
    closedAt: at("closed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("polls_session_idx").on(t.sessionId)],
);

export const pollOptions = pgTable(
  "poll_options",
  {
    id: id(),
    tenantId: tenantId(),
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
    position: integer("position").notNull(),
    isCorrect: boolean("is_correct").notNull().default(false),
  },
  (t) => [uniqueIndex("poll_options_poll_position_key").on(t.pollId, t.position)],
);

/** One vote per user per poll, enforced here; a multiple-choice vote lists several options. */
export const pollVotes = pgTable(
  "poll_votes",
  {
    id: id(),
    tenantId: tenantId(),
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    optionIds: uuid("option_ids").array().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("poll_votes_poll_user_key").on(t.pollId, t.userId)],
);

export const hands = pgTable(
  "hands",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sequence: bigint("sequence", { mode: "number" }).notNull(),
    raisedAt: at("raised_at").notNull(),
    loweredAt: at("lowered_at"),
    loweredBy: uuid("lowered_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    // At most one raised hand per person at a time.
    uniqueIndex("hands_session_user_raised_key")
      .on(t.sessionId, t.userId)
      .where(sql`${t.loweredAt} is null`),
  ],
);

/** Call-to-action cards shown to the class. */
export const ctas = pgTable(
  "ctas",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    url: text("url").notNull(),
    shownAt: at("shown_at"),
    hiddenAt: at("hidden_at"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("ctas_session_idx").on(t.sessionId)],
);
