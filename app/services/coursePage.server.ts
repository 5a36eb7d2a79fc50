import { data } from "@remix-run/node";
import { z } from "zod";
import { fieldErrors, type FieldErrors } from "../../core/identity/authForms";
import {
  courseSchema,
  idempotencyKeySchema,
  lessonSchema,
  rescheduleSchema,
  scheduleSchema,
} from "../../core/classes/schedulingForms";
import type { schedulingFor } from "~/services/scheduling.server";

/*
 * The course page's forms, parsed and carried out. They come in two sets: editing
 * the course and its lessons, and scheduling its classes and enrolling its roster.
 */

type Scheduling = ReturnType<typeof schedulingFor>;
type Fields = Record<string, FormDataEntryValue>;

const COURSE_EDITS = [
  "edit-course",
  "archive-course",
  "restore-course",
  "edit-lesson",
  "move-lesson",
  "archive-lesson",
  "lesson",
] as const;
type CourseEdit = (typeof COURSE_EDITS)[number];

export function isCourseEdit(intent: string): intent is CourseEdit {
  return (COURSE_EDITS as readonly string[]).includes(intent);
}

/** The course's title, description and archiving, and its lessons. */
export async function courseEdit(
  scheduling: Scheduling,
  courseId: string,
  intent: CourseEdit,
  fields: Fields,
) {
  if (intent === "edit-course") {
    const parsed = courseSchema.safeParse(fields);
    if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
    await scheduling.editCourse(courseId, parsed.data);
    return { intent, errors: {} as FieldErrors, done: "Course updated." };
  }
  if (intent === "archive-course" || intent === "restore-course") {
    await scheduling.archiveCourse(courseId, intent === "archive-course");
    const done = intent === "archive-course" ? "Course archived." : "Course restored.";
    return { intent, errors: {} as FieldErrors, done };
  }
  if (intent === "edit-lesson") {
    const parsed = lessonSchema.safeParse(fields);
    if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
    await scheduling.editLesson(z.uuid().parse(fields.lessonId), parsed.data);
    return { intent, errors: {} as FieldErrors, done: "Lesson updated." };
  }
  if (intent === "move-lesson") {
    const direction = z.enum(["up", "down"]).parse(fields.direction);
    await scheduling.moveLesson(z.uuid().parse(fields.lessonId), direction);
    return { intent, errors: {} as FieldErrors, done: "Lesson moved." };
  }
  if (intent === "archive-lesson") {
    await scheduling.archiveLesson(z.uuid().parse(fields.lessonId));
    return { intent, errors: {} as FieldErrors, done: "Lesson archived." };
  }
  const parsed = lessonSchema.safeParse(fields);
  if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
  await scheduling.addLesson(courseId, parsed.data);
  return { intent, errors: {} as FieldErrors, done: "Lesson added." };
}

/** Scheduling, moving and cancelling the course's classes, and enrolling students. */
export async function classScheduling(
  scheduling: Scheduling,
  courseId: string,
  intent: "schedule" | "reschedule" | "enroll" | "cancel",
  form: FormData,
  fields: Fields,
) {
  const key = idempotencyKeySchema.safeParse(fields.idempotencyKey).data;
  if (intent === "schedule") {
    const parsed = scheduleSchema.safeParse({
      ...fields,
      courseId,
      lessonId: fields.lessonId || undefined,
      coTeacherIds: form.getAll("coTeacherIds").map(String),
    });
    if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
    await scheduling.schedule(parsed.data, key);
    return { intent, errors: {} as FieldErrors, done: "Class scheduled." };
  }
  if (intent === "reschedule") {
    const parsed = rescheduleSchema.safeParse(fields);
    if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
    await scheduling.reschedule(z.uuid().parse(fields.sessionId), parsed.data, key);
    return { intent, errors: {} as FieldErrors, done: "Class moved." };
  }
  if (intent === "enroll") {
    const userIds = form.getAll("userIds").map(String);
    if (userIds.length === 0) {
      return data(
        { intent, errors: { userIds: "Choose at least one student" } as FieldErrors },
        400,
      );
    }
    await scheduling.enroll({ courseId }, userIds);
    return { intent, errors: {} as FieldErrors, done: "Roster updated." };
  }
  await scheduling.cancel(z.uuid().parse(fields.sessionId), key);
  return { intent, errors: {} as FieldErrors, done: "Class cancelled." };
}
