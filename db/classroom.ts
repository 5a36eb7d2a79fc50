import { and, asc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import {
  courses,
  enrollments,
  lessons,
  sessionParticipants,
  sessions,
  userRoles,
  users,
} from "./schema";
import type { TenantTx } from "./tenantContext";

/* Courses, lessons, scheduled classes and who takes part: all inside a tenant context. */

export type CourseRow = typeof courses.$inferSelect;
export type LessonRow = typeof lessons.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export function listCourses(tx: TenantTx, includeArchived = false) {
  return tx
    .select()
    .from(courses)
    .where(includeArchived ? undefined : isNull(courses.archivedAt))
    .orderBy(asc(courses.title));
}

export async function findCourse(tx: TenantTx, id: string): Promise<CourseRow | null> {
  const [row] = await tx.select().from(courses).where(eq(courses.id, id));
  return row ?? null;
}

export async function insertCourse(tx: TenantTx, values: typeof courses.$inferInsert) {
  const [row] = await tx.insert(courses).values(values).returning();
  return row!;
}

export async function updateCourse(
  tx: TenantTx,
  id: string,
  values: Partial<typeof courses.$inferInsert>,
) {
  const [row] = await tx.update(courses).set(values).where(eq(courses.id, id)).returning();
  return row ?? null;
}

export function listLessons(tx: TenantTx, courseId: string) {
  return tx
    .select()
    .from(lessons)
    .where(and(eq(lessons.courseId, courseId), isNull(lessons.archivedAt)))
    .orderBy(asc(lessons.position), asc(lessons.createdAt));
}

export async function findLesson(tx: TenantTx, id: string): Promise<LessonRow | null> {
  const [row] = await tx.select().from(lessons).where(eq(lessons.id, id));
  return row ?? null;
}

export async function insertLesson(tx: TenantTx, values: typeof lessons.$inferInsert) {
  const [{ next }] = (await tx
    .select({ next: sql<number>`coalesce(max(${lessons.position}), 0) + 1` })
    .from(lessons)
    .where(eq(lessons.courseId, values.courseId))) as [{ next: number }];
  const [row] = await tx
    .insert(lessons)
    .values({ ...values, position: values.position ?? Number(next) })
    .returning();
  return row!;
}

export async function updateLesson(
  tx: TenantTx,
  id: string,
  values: Partial<typeof lessons.$inferInsert>,
) {
  const [row] = await tx.update(lessons).set(values).where(eq(lessons.id, id)).returning();
  return row ?? null;
}

export async function findSession(tx: TenantTx, id: string): Promise<SessionRow | null> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.id, id));
  return row ?? null;
}

export async function insertSession(tx: TenantTx, values: typeof sessions.$inferInsert) {
  const [row] = await tx.insert(sessions).values(values).returning();
  return row!;
}

export async function updateSession(
  tx: TenantTx,
  id: string,
  values: Partial<typeof sessions.$inferInsert>,
) {
  const [row] = await tx.update(sessions).set(values).where(eq(sessions.id, id)).returning();
  return row ?? null;
}

export async function addParticipant(
  tx: TenantTx,
  values: typeof sessionParticipants.$inferInsert,
) {
  await tx.insert(sessionParticipants).values(values).onConflictDoNothing();
}

/** Only students of the school can be enrolled; returns the ids that were. */
export async function enroll(
  tx: TenantTx,
  tenantId: string,
  target: { courseId: string } | { sessionId: string },
  userIds: string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const students = await tx
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(inArray(userRoles.userId, userIds), eq(userRoles.role, "student")));
  const ids = students.map((s) => s.userId);
  if (ids.length === 0) return [];
  await tx
    .insert(enrollments)
    .values(ids.map((userId) => ({ tenantId, userId, ...target })))
    .onConflictDoNothing();
  return ids;
}

/** Students enrolled in a session directly or through its course's roster. */
export function listEnrolled(tx: TenantTx, session: { id: string; courseId: string | null }) {
  const targets = [eq(enrollments.sessionId, session.id)];
  if (session.courseId) targets.push(eq(enrollments.courseId, session.courseId));
  return tx
    .selectDistinct({ userId: users.id, name: users.name, email: users.email })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(or(...targets))
    .orderBy(asc(users.name));
}

/**
 * A person's classes between two instants: those they teach (participants as
 * host or co-teacher) and those they are enrolled in, directly or by course.
 */
export function agendaFor(tx: TenantTx, userId: string, from: Date, to: Date) {
  const mine = sql`(
    exists (select 1 from ${sessionParticipants} p where p.session_id = ${sessions.id} and p.user_id = ${userId})
    or exists (select 1 from ${enrollments} e where e.user_id = ${userId}
      and (e.session_id = ${sessions.id} or e.course_id = ${sessions.courseId}))
  )`;
  return tx
    .select({
      id: sessions.id,
      title: sessions.title,
      startsAt: sessions.startsAt,
      endsAt: sessions.endsAt,
      timeZone: sessions.timeZone,
      status: sessions.status,
      courseTitle: courses.title,
    })
    .from(sessions)
    .leftJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(mine, lt(sessions.startsAt, to), gte(sessions.endsAt, from)))
    .orderBy(asc(sessions.startsAt));
}

/** Students on a course's roster. */
export async function courseRoster(tx: TenantTx, courseId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ userId: enrollments.userId })
    .from(enrollments)
    .where(eq(enrollments.courseId, courseId));
  return new Set(rows.map((r) => r.userId));
}

export function listCourseSessions(tx: TenantTx, courseId: string) {
  return tx
    .select()
    .from(sessions)
    .where(eq(sessions.courseId, courseId))
    .orderBy(asc(sessions.startsAt));
}
