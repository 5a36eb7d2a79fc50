import type pg from "pg";
import type { z } from "zod";
import {
  addParticipant,
  agendaFor,
  enroll,
  findCourse,
  findLesson,
  findSession,
  insertCourse,
  insertLesson,
  insertSession,
  listCourseSessions,
  listCourses,
  listLessons,
  updateCourse,
  updateLesson,
  updateSession,
  type SessionRow,
} from "../../db/classroom";
import type { Database } from "../../db/client";
import { announceEvents, appendEventsIn, type StoredEvent } from "../../db/eventLog";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { AppError } from "../platform/errors";
import { claimWrite, rememberWrite } from "./idempotentWrite";
import { inThisSchool } from "../identity/people";
import { assertCan, type Actor } from "../identity/permissions";
import {
  courseSchema,
  enrollSchema,
  lessonSchema,
  rescheduleSchema,
  scheduleSchema,
  zonedTimeToInstant,
} from "./schedulingForms";
import { validateEvent } from "../log/sessionEvents";

/*
 * Courses, lessons and scheduled classes. Every write checks core/permissions.ts;
 * class writes also append their event (session.scheduled|updated|cancelled) in
 * the same transaction, so there is never a class without its history. Writes
 * with an idempotency key return the first answer when retried.
 */

export interface SchedulingDeps {
  db: Database;
  pool: pg.Pool;
}

const notFound = (what: string) => new AppError("not_found", `We couldn't find that ${what}.`);

/**
 * Where a command was asked from (a course's page): the lesson or class it
 * names must be of that course, else it is not found there (404).
 */
export interface Within {
  courseId: string;
}

/** Every member of a school may see its courses (archived ones on request). */
export async function coursesOf(
  deps: SchedulingDeps,
  actor: Actor,
  options: { includeArchived?: boolean } = {},
) {
  if (!actor.tenantRole) throw notFound("school");
  return withTenant(deps.db, actor.tenantId, (tx) => listCourses(tx, options.includeArchived));
}

export async function createCourse(
  deps: SchedulingDeps,
  actor: Actor,
  input: z.input<typeof courseSchema>,
) {
  const values = courseSchema.parse(input);
  assertCan(actor, "course:create", { tenantId: actor.tenantId, kind: "course" });
  return withTenant(deps.db, actor.tenantId, (tx) =>
    insertCourse(tx, { ...values, tenantId: actor.tenantId, createdBy: actor.userId }),
  );
}

/** A course with its lessons and classes, for its members' course page. */
export async function courseWithLessons(deps: SchedulingDeps, actor: Actor, courseId: string) {
  if (!actor.tenantRole) throw notFound("course");
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const course = await findCourse(tx, courseId);
    if (!course) throw notFound("course");
    return {
      course,
      lessons: await listLessons(tx, courseId),
      sessions: await listCourseSessions(tx, courseId),
    };
  });
}

export async function editCourse(
  deps: SchedulingDeps,
  actor: Actor,
  courseId: string,
  input: z.input<typeof courseSchema>,
) {
  const values = courseSchema.parse(input);
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await ownCourse(tx, actor, courseId, "course:update");
    return updateCourse(tx, courseId, values);
  });
}

/** Archive a course (hidden from the list, no new classes) or restore it. */
export async function archiveCourse(
  deps: SchedulingDeps,
  actor: Actor,
  courseId: string,
  archived = true,
) {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await ownCourse(tx, actor, courseId, "course:archive");
    return updateCourse(tx, courseId, { archivedAt: archived ? new Date() : null });
  });
}

export async function editLesson(
  deps: SchedulingDeps,
  actor: Actor,
  lessonId: string,
  input: z.input<typeof lessonSchema>,
  within?: Within,
) {
  const values = lessonSchema.parse(input);
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await ownLesson(tx, actor, lessonId, within);
    return updateLesson(tx, lessonId, values);
  });
}

/** Archive a lesson: it leaves the course's list; classes already scheduled for it stay. */
export async function archiveLesson(
  deps: SchedulingDeps,
  actor: Actor,
  lessonId: string,
  within?: Within,
) {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await ownLesson(tx, actor, lessonId, within);
    return updateLesson(tx, lessonId, { archivedAt: new Date() });
  });
}

/** Move a lesson one place up or down in its course (swapping with its neighbour). */
export async function moveLesson(
  deps: SchedulingDeps,
  actor: Actor,
  lessonId: string,
  direction: "up" | "down",
  within?: Within,
) {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const lesson = await ownLesson(tx, actor, lessonId, within);
    const lessons = await listLessons(tx, lesson.courseId);
    const index = lessons.findIndex((l) => l.id === lessonId);
    const other = lessons[direction === "up" ? index - 1 : index + 1];
    if (!other) return lesson;
    // Positions may tie (or be sparse): renumber the list in its new order.
    const order = lessons.map((l) => l.id);
    [order[index], order[lessons.indexOf(other)]] = [other.id, lessonId];
    for (const [position, id] of order.entries()) {
      await updateLesson(tx, id, { position: position + 1 });
    }
    return lesson;
  });
}

export async function addLesson(
  deps: SchedulingDeps,
  actor: Actor,
  courseId: string,
  input: z.input<typeof lessonSchema>,
) {
  const values = lessonSchema.parse(input);
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await ownCourse(tx, actor, courseId, "course:update");
    return insertLesson(tx, { ...values, courseId, tenantId: actor.tenantId });
  });
}

/** Schedule a class; the scheduling teacher becomes its host. */
/** School roles that may co-teach a class. */
const TEACHING_ROLES: readonly string[] = ["teacher", "admin", "owner"];

export async function scheduleSession(
  deps: SchedulingDeps,
  actor: Actor,
  input: z.input<typeof scheduleSchema>,
  idempotencyKey?: string,
): Promise<SessionRow> {
  const values = scheduleSchema.parse(input);
  const startsAt = zonedTimeToInstant(values.startsAt, values.timeZone);
  const endsAt = new Date(startsAt.getTime() + values.durationMinutes * 60_000);
  const { session, events } = await idempotent(deps, actor, idempotencyKey, values, async (tx) => {
    let courseId = values.courseId ?? null;
    if (values.lessonId) {
      const lesson = await findLesson(tx, values.lessonId);
      // A lesson of another course is not found in this one.
      if (!lesson || (courseId && lesson.courseId !== courseId)) throw notFound("lesson");
      if (lesson.archivedAt) {
        throw new AppError("conflict", "This lesson is archived: choose another lesson.");
      }
      courseId = lesson.courseId;
    }
    const course = courseId ? await findCourse(tx, courseId) : null;
    if (courseId && !course) throw notFound("course");
    if (course?.archivedAt) {
      throw new AppError("conflict", "This course is archived: restore it to schedule classes.");
    }
    assertCan(actor, "session:schedule", {
      tenantId: actor.tenantId,
      kind: "session",
      // A class of a course belongs to the course's teacher; an ad-hoc class to its scheduler.
      ownerId: course ? course.createdBy : actor.userId,
    });
    const session = await insertSession(tx, {
      tenantId: actor.tenantId,
      courseId,
      lessonId: values.lessonId ?? null,
      title: values.title,
      startsAt,
      endsAt,
      timeZone: values.timeZone,
      createdBy: actor.userId,
    });
    await addParticipant(tx, {
      tenantId: actor.tenantId,
      sessionId: session.id,
      userId: actor.userId,
      role: "host",
    });
    const coTeachers = await inThisSchool(
      tx,
      values.coTeacherIds.filter((id) => id !== actor.userId),
    );
    for (const { userId, role } of coTeachers) {
      if (!TEACHING_ROLES.includes(role)) {
        throw new AppError("bad_request", "Co-teachers must be teachers of this school.");
      }
      await addParticipant(tx, {
        tenantId: actor.tenantId,
        sessionId: session.id,
        userId,
        role: "co_teacher",
      });
    }
    const events = await appendEventsIn(tx, {
      tenantId: actor.tenantId,
      sessionId: session.id,
      events: [
        validateEvent({
          type: "session.scheduled",
          actorUserId: actor.userId,
          payload: {
            title: session.title,
            lessonId: session.lessonId,
            startsAt: startsAt.toISOString(),
            endsAt: endsAt.toISOString(),
            timeZone: session.timeZone,
          },
        }),
      ],
    });
    return { session, events };
  });
  announceEvents(deps.pool, events);
  return session;
}

export async function rescheduleSession(
  deps: SchedulingDeps,
  actor: Actor,
  sessionId: string,
  input: z.input<typeof rescheduleSchema>,
  idempotencyKey?: string,
  within?: Within,
): Promise<SessionRow> {
  const values = rescheduleSchema.parse(input);
  const startsAt = zonedTimeToInstant(values.startsAt, values.timeZone);
  const endsAt = new Date(startsAt.getTime() + values.durationMinutes * 60_000);
  const { session, events } = await idempotent(
    deps,
    actor,
    idempotencyKey,
    { sessionId, ...values },
    async (tx) => {
      await ownSession(tx, actor, sessionId, "session:update", ["scheduled"], within);
      const session = (await updateSession(tx, sessionId, {
        title: values.title,
        startsAt,
        endsAt,
        timeZone: values.timeZone,
      }))!;
      const events = await appendEventsIn(tx, {
        tenantId: actor.tenantId,
        sessionId,
        events: [
          validateEvent({
            type: "session.updated",
            actorUserId: actor.userId,
            payload: {
              title: session.title,
              startsAt: startsAt.toISOString(),
              endsAt: endsAt.toISOString(),
              timeZone: session.timeZone,
            },
          }),
        ],
      });
      return { session, events };
    },
  );
  announceEvents(deps.pool, events);
  return session;
}

export async function cancelSession(
  deps: SchedulingDeps,
  actor: Actor,
  sessionId: string,
  reason?: string,
  idempotencyKey?: string,
  within?: Within,
): Promise<SessionRow> {
  const { session, events } = await idempotent(
    deps,
    actor,
    idempotencyKey,
    { sessionId, cancel: true },
    async (tx) => {
      await ownSession(tx, actor, sessionId, "session:cancel", ["scheduled"], within);
      const session = (await updateSession(tx, sessionId, { status: "cancelled" }))!;
      const events = await appendEventsIn(tx, {
        tenantId: actor.tenantId,
        sessionId,
        events: [
          validateEvent({
            type: "session.cancelled",
            actorUserId: actor.userId,
            payload: reason ? { reason } : {},
          }),
        ],
      });
      return { session, events };
    },
  );
  announceEvents(deps.pool, events);
  return session;
}

/**
 * Enrol students in a class (or a course's roster, which covers its classes).
 * Everyone named must be in the school (else 404, and no one is enrolled);
 * those who are not students are left out. Answers who was enrolled.
 */
export async function enrollStudents(
  deps: SchedulingDeps,
  actor: Actor,
  target: { sessionId: string } | { courseId: string },
  input: z.input<typeof enrollSchema>,
): Promise<string[]> {
  const { userIds } = enrollSchema.parse(input);
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    if ("sessionId" in target) await ownSession(tx, actor, target.sessionId, "session:enroll");
    else await ownCourse(tx, actor, target.courseId, "session:enroll");
    const students = (await inThisSchool(tx, userIds)).filter((m) => m.role === "student");
    return enroll(
      tx,
      actor.tenantId,
      target,
      students.map((s) => s.userId),
    );
  });
}

/** The actor's classes between two instants (defaults: the coming 7 days). */
export async function agenda(
  deps: SchedulingDeps,
  actor: Actor,
  range: { from?: Date; to?: Date } = {},
) {
  const from = range.from ?? new Date();
  const to = range.to ?? new Date(from.getTime() + 7 * 86_400_000);
  return withTenant(deps.db, actor.tenantId, (tx) => agendaFor(tx, actor.userId, from, to));
}

async function ownCourse(
  tx: TenantTx,
  actor: Actor,
  courseId: string,
  action: "course:update" | "course:archive" | "session:enroll",
) {
  const course = await findCourse(tx, courseId);
  if (!course) throw notFound("course");
  assertCan(actor, action, {
    tenantId: actor.tenantId,
    kind: action === "session:enroll" ? "session" : "course",
    ownerId: course.createdBy,
  });
  return course;
}

async function ownLesson(tx: TenantTx, actor: Actor, lessonId: string, within?: Within) {
  const lesson = await findLesson(tx, lessonId);
  if (!lesson || (within && lesson.courseId !== within.courseId)) throw notFound("lesson");
  await ownCourse(tx, actor, lesson.courseId, "course:update");
  return lesson;
}

async function ownSession(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  action: "session:update" | "session:cancel" | "session:enroll",
  allowedStatuses?: SessionRow["status"][],
  within?: Within,
) {
  const session = await findSession(tx, sessionId);
  if (!session || (within && session.courseId !== within.courseId)) throw notFound("class");
  const course = session.courseId ? await findCourse(tx, session.courseId) : null;
  assertCan(actor, action, {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId,
    ownerId: course?.createdBy ?? session.createdBy,
  });
  if (allowedStatuses && !allowedStatuses.includes(session.status)) {
    throw new AppError("conflict", `This class is ${session.status}; it can no longer be changed.`);
  }
  return session;
}

/**
 * Run a write once per idempotency key: a retry with the same key and input
 * gets the first result (nothing is written again); a different input with the
 * same key is a conflict (core/idempotentWrite.ts).
 */
async function idempotent<T extends { session: SessionRow; events: StoredEvent[] }>(
  deps: SchedulingDeps,
  actor: Actor,
  key: string | undefined,
  request: unknown,
  work: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const claim = await claimWrite(tx, actor, key, request);
    if (claim.status === "replay") {
      const { sessionId } = claim.response as { sessionId: string };
      const session = await findSession(tx, sessionId);
      if (!session) throw notFound("class");
      return { session, events: [] } as unknown as T;
    }
    const result = await work(tx);
    await rememberWrite(tx, actor.tenantId, key, { sessionId: result.session.id });
    return result;
  });
}
