import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./columns";
import { users } from "./identity";
import { sessionGrants, sessionRoles } from "./roles";
import { tenantId } from "./tenantColumn";

export const courses = pgTable(
  "courses",
  {
    id: id(),
    tenantId: tenantId(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    archivedAt: at("archived_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("courses_tenant_idx").on(t.tenantId)],
);

export const lessons = pgTable(
  "lessons",
  {
    id: id(),
    tenantId: tenantId(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    position: integer("position").notNull().default(0),
    archivedAt: at("archived_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("lessons_course_idx").on(t.courseId, t.position)],
);

export const sessionStatuses = ["scheduled", "live", "ended", "cancelled"] as const;

/** A scheduled class. `last_event_seq` is the head of its event log (see db/eventLog.ts). */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    tenantId: tenantId(),
    courseId: uuid("course_id").references(() => courses.id, { onDelete: "set null" }),
    lessonId: uuid("lesson_id").references(() => lessons.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    timeZone: text("time_zone").notNull().default("UTC"),
    status: text("status", { enum: sessionStatuses }).notNull().default("scheduled"),
    livekitRoom: text("livekit_room").unique(),
    lastEventSeq: bigint("last_event_seq", { mode: "number" }).notNull().default(0),
    startedAt: at("started_at"),
    endedAt: at("ended_at"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sessions_tenant_starts_idx").on(t.tenantId, t.startsAt),
    index("sessions_course_idx").on(t.courseId),
    // Target of composite keys that tie a row to a session and its tenant at once.
    uniqueIndex("sessions_id_tenant_key").on(t.id, t.tenantId),
    check("sessions_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** A student on a course roster, or enrolled in one session on its own. */
export const enrollments = pgTable(
  "enrollments",
  {
    id: id(),
    tenantId: tenantId(),
    courseId: uuid("course_id").references(() => courses.id, { onDelete: "cascade" }),
    sessionId: uuid("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    check("enrollments_one_target", sql`num_nonnulls(${t.courseId}, ${t.sessionId}) = 1`),
    uniqueIndex("enrollments_course_user_key")
      .on(t.courseId, t.userId)
      .where(sql`${t.courseId} is not null`),
    uniqueIndex("enrollments_session_user_key")
      .on(t.sessionId, t.userId)
      .where(sql`${t.sessionId} is not null`),
    index("enrollments_user_idx").on(t.userId),
  ],
);

export const sessionParticipants = pgTable(
  "session_participants",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: sessionRoles }).notNull(),
    grants: text("grants", { enum: sessionGrants })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    joinedAt: at("joined_at"),
    leftAt: at("left_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("session_participants_session_user_key").on(t.sessionId, t.userId)],
);
