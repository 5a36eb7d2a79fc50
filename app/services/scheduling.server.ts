import type { AppLoadContext } from "@remix-run/node";
import * as scheduling from "../../core/classes/scheduling";
import { listMembers } from "../../db/people";
import { withTenant } from "../../db/tenantContext";
import { courseRoster } from "../../db/classroom";
import type { Member } from "~/session.server";

/**
 * core/scheduling.ts bound to the web app's pools and the signed-in member;
 * `within` a course's page, its lesson and class commands act on that
 * course's lessons and classes only.
 */
export function schedulingFor(context: AppLoadContext, member: Member, within?: scheduling.Within) {
  const deps = { db: context.db.db, pool: context.db.pool };
  const actor = member.actor;
  return {
    courses: (options?: { includeArchived?: boolean }) =>
      scheduling.coursesOf(deps, actor, options),
    course: (id: string) => scheduling.courseWithLessons(deps, actor, id),
    createCourse: (input: Parameters<typeof scheduling.createCourse>[2]) =>
      scheduling.createCourse(deps, actor, input),
    editCourse: (id: string, input: Parameters<typeof scheduling.editCourse>[3]) =>
      scheduling.editCourse(deps, actor, id, input),
    archiveCourse: (id: string, archived = true) =>
      scheduling.archiveCourse(deps, actor, id, archived),
    editLesson: (id: string, input: Parameters<typeof scheduling.editLesson>[3]) =>
      scheduling.editLesson(deps, actor, id, input, within),
    archiveLesson: (id: string) => scheduling.archiveLesson(deps, actor, id, within),
    moveLesson: (id: string, direction: "up" | "down") =>
      scheduling.moveLesson(deps, actor, id, direction, within),
    addLesson: (courseId: string, input: Parameters<typeof scheduling.addLesson>[3]) =>
      scheduling.addLesson(deps, actor, courseId, input),
    schedule: (input: Parameters<typeof scheduling.scheduleSession>[2], key?: string) =>
      scheduling.scheduleSession(deps, actor, input, key),
    reschedule: (
      sessionId: string,
      input: Parameters<typeof scheduling.rescheduleSession>[3],
      key?: string,
    ) => scheduling.rescheduleSession(deps, actor, sessionId, input, key, within),
    cancel: (sessionId: string, key?: string) =>
      scheduling.cancelSession(deps, actor, sessionId, undefined, key, within),
    enroll: (target: { courseId: string } | { sessionId: string }, userIds: string[]) =>
      scheduling.enrollStudents(deps, actor, target, { userIds }),
    agenda: (range?: { from?: Date; to?: Date }) => scheduling.agenda(deps, actor, range),
    /** The school's teachers other than the actor, who may co-teach a class. */
    colleagues: () =>
      withTenant(deps.db, actor.tenantId, async (tx) =>
        (await listMembers(tx))
          .filter((m) => m.role !== "student" && m.userId !== actor.userId)
          .map((m) => ({ userId: m.userId, name: m.name })),
      ),
    /** The school's students, and who of them is on a course's roster. */
    roster: (courseId: string) =>
      withTenant(deps.db, actor.tenantId, async (tx) => {
        const students = (await listMembers(tx)).filter((m) => m.role === "student");
        const ids = await courseRoster(tx, courseId);
        return students.map((s) => ({
          userId: s.userId,
          name: s.name,
          enrolled: ids.has(s.userId),
        }));
      }),
  };
}
