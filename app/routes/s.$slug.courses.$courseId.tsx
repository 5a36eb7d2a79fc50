import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { fieldErrors, type FieldErrors } from "../../core/identity/authForms";
import { can } from "../../core/identity/permissions";
import {
  courseSchema,
  idempotencyKeySchema,
  lessonSchema,
  rescheduleSchema,
  scheduleSchema,
} from "../../core/classes/schedulingForms";
import { Field, FormMessage } from "~/components/Field";
import { LocalTime } from "~/components/LocalTime";
import { schedulingFor } from "~/services/scheduling.server";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.course.title ?? "Course"} · Lectern` },
];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const scheduling = schedulingFor(context, member);
  const { course, lessons, sessions } = await scheduling.course(params.courseId ?? "");
  const own = { tenantId: member.tenant.id, ownerId: course.createdBy };
  const canManage = can(member.actor, "course:update", { ...own, kind: "course" });
  const archived = course.archivedAt !== null;
  return {
    course: { id: course.id, title: course.title, description: course.description, archived },
    lessons: lessons.map((l) => ({ id: l.id, title: l.title, description: l.description })),
    sessions: sessions.map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      timeZone: s.timeZone,
    })),
    canManage,
    roster: canManage ? await scheduling.roster(course.id) : [],
    colleagues: canManage ? await scheduling.colleagues() : [],
    // ICU's list leaves out "UTC" itself; put it first, as the fallback zone.
    timeZones: ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")],
    // Fresh per page view: a double-submitted form schedules one class.
    scheduleKey: `schedule-${crypto.randomUUID()}`,
  };
});

const intentSchema = z.object({
  intent: z.enum([
    "lesson",
    "schedule",
    "reschedule",
    "enroll",
    "cancel",
    "edit-course",
    "archive-course",
    "restore-course",
    "edit-lesson",
    "move-lesson",
    "archive-lesson",
  ]),
});

export const action = page(async ({ request, context, params }: ActionFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const courseId = params.courseId ?? "";
  // The lessons and classes this page's forms name must be this course's.
  const scheduling = schedulingFor(context, member, { courseId });
  const form = await request.formData();
  const fields = Object.fromEntries(form);
  const { intent } = intentSchema.parse(fields);
  const key = idempotencyKeySchema.safeParse(fields.idempotencyKey).data;
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
  if (intent === "lesson") {
    const parsed = lessonSchema.safeParse(fields);
    if (!parsed.success) return data({ intent, errors: fieldErrors(parsed.error) }, 400);
    await scheduling.addLesson(courseId, parsed.data);
    return { intent, errors: {} as FieldErrors, done: "Lesson added." };
  }
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
});

export default function Course() {
  const { course, lessons, sessions, canManage, roster, colleagues, timeZones, scheduleKey } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string): FieldErrors =>
    result?.intent === intent ? result.errors : {};
  const zone = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    // Default the class's time zone to the teacher's own.
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone.current && timeZones.includes(local)) zone.current.value = local;
  }, [timeZones]);
  const scheduleErrors = errorsFor("schedule");
  return (
    <section aria-labelledby="course-title">
      <h1 id="course-title">{course.title}</h1>
      {course.description ? <p className="lead">{course.description}</p> : null}
      {result && "done" in result && result.done ? (
        <FormMessage tone="ok">{result.done}</FormMessage>
      ) : null}
      {course.archived ? (
        <p className="banner" role="status">
          This course is archived: it is hidden from the course list and takes no new classes.
        </p>
      ) : null}
      {canManage ? (
        <CourseSettings course={course} busy={busy} errors={errorsFor("edit-course")} />
      ) : null}

      <h2>Classes</h2>
      {sessions.length === 0 ? (
        <p className="muted">No classes scheduled yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">When (your time)</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>{s.title}</td>
                  <td>
                    <LocalTime iso={s.startsAt} /> – <LocalTime iso={s.endsAt} withDate={false} />
                  </td>
                  <td>{s.status}</td>
                  <td>
                    {canManage && s.status === "scheduled" ? (
                      <details className="reschedule">
                        <summary>
                          Move <span className="visually-hidden">{s.title}</span>
                        </summary>
                        <Form method="post" className="form">
                          <input type="hidden" name="intent" value="reschedule" />
                          <input type="hidden" name="sessionId" value={s.id} />
                          <input
                            type="hidden"
                            name="idempotencyKey"
                            value={`${scheduleKey}-${s.id}`}
                          />
                          <input type="hidden" name="title" value={s.title} />
                          <Field
                            id={`move-start-${s.id}`}
                            name="startsAt"
                            label="New start"
                            type="datetime-local"
                            required
                          />
                          <Field
                            id={`move-duration-${s.id}`}
                            name="durationMinutes"
                            label="Duration (minutes)"
                            type="number"
                            min={5}
                            max={480}
                            defaultValue={Math.round(
                              (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000,
                            )}
                            required
                          />
                          <div className="field">
                            <label htmlFor={`move-zone-${s.id}`}>Time zone</label>
                            <select
                              id={`move-zone-${s.id}`}
                              name="timeZone"
                              className="input"
                              defaultValue={s.timeZone}
                            >
                              {timeZones.map((z) => (
                                <option key={z} value={z}>
                                  {z}
                                </option>
                              ))}
                            </select>
                          </div>
                          <button className="button secondary" type="submit" disabled={busy}>
                            Move the class
                          </button>
                        </Form>
                      </details>
                    ) : null}
                    {canManage && s.status === "scheduled" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="sessionId" value={s.id} />
                        <input type="hidden" name="idempotencyKey" value={`cancel-${s.id}`} />
                        <button className="link-button" type="submit" disabled={busy}>
                          Cancel <span className="visually-hidden">{s.title}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Lessons</h2>
      {lessons.length === 0 ? (
        <p className="muted">No lessons yet.</p>
      ) : (
        <ol className="lesson-list">
          {lessons.map((l, index) => (
            <li key={l.id}>
              <div>
                <strong>{l.title}</strong>
                {l.description ? ` — ${l.description}` : ""}
              </div>
              {canManage ? (
                <LessonControls
                  lesson={l}
                  first={index === 0}
                  last={index === lessons.length - 1}
                  busy={busy}
                />
              ) : null}
            </li>
          ))}
        </ol>
      )}

      {canManage && !course.archived ? (
        <div className="cards">
          <div className="card">
            <h2>Schedule a class</h2>
            <Form
              method="post"
              className="form"
              noValidate
              key={result?.intent === "schedule" && "done" in result ? "done" : "form"}
            >
              <input type="hidden" name="intent" value="schedule" />
              <input type="hidden" name="idempotencyKey" value={scheduleKey} />
              <div className="field">
                <label htmlFor="schedule-lesson">Lesson</label>
                <select id="schedule-lesson" name="lessonId" className="input">
                  <option value="">No particular lesson</option>
                  {lessons.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.title}
                    </option>
                  ))}
                </select>
              </div>
              <Field name="title" label="Title" required error={scheduleErrors.title} />
              <Field
                name="startsAt"
                label="Starts at"
                type="datetime-local"
                required
                error={scheduleErrors.startsAt}
              />
              <Field
                name="durationMinutes"
                label="Duration (minutes)"
                type="number"
                min={5}
                max={480}
                defaultValue={60}
                required
                error={scheduleErrors.durationMinutes}
              />
              <div className="field">
                <label htmlFor="schedule-zone">Time zone</label>
                <select
                  id="schedule-zone"
                  name="timeZone"
                  className="input"
                  defaultValue="UTC"
                  ref={zone}
                >
                  {timeZones.map((z) => (
                    <option key={z} value={z}>
                      {z}
                    </option>
                  ))}
                </select>
                {scheduleErrors.timeZone ? (
                  <p className="field-error">{scheduleErrors.timeZone}</p>
                ) : null}
              </div>
              {colleagues.length > 0 ? (
                <fieldset className="field">
                  <legend className="field-label">Co-teachers (optional)</legend>
                  {colleagues.map((c) => (
                    <label key={c.userId} className="checkbox">
                      <input type="checkbox" name="coTeacherIds" value={c.userId} /> {c.name}
                    </label>
                  ))}
                  {scheduleErrors.coTeacherIds ? (
                    <p className="field-error">{scheduleErrors.coTeacherIds}</p>
                  ) : null}
                </fieldset>
              ) : null}
              <button className="button" type="submit" disabled={busy}>
                Schedule
              </button>
            </Form>
          </div>
          <div className="card">
            <h2>Add a lesson</h2>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="lesson" />
              <Field
                name="title"
                id="lesson-title"
                label="Title"
                required
                error={errorsFor("lesson").title}
              />
              <Field
                name="description"
                id="lesson-description"
                label="Description"
                error={errorsFor("lesson").description}
              />
              <button className="button" type="submit" disabled={busy}>
                Add lesson
              </button>
            </Form>
          </div>
          <div className="card">
            <h2>Roster</h2>
            {roster.length === 0 ? (
              <p>No students in this school yet.</p>
            ) : (
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="enroll" />
                <fieldset>
                  <legend className="field-label">Students taking this course</legend>
                  {roster.map((s) => (
                    <label key={s.userId} className="checkbox">
                      <input
                        type="checkbox"
                        name="userIds"
                        value={s.userId}
                        defaultChecked={s.enrolled}
                        disabled={s.enrolled}
                      />{" "}
                      {s.name}
                      {s.enrolled ? <span className="muted"> (enrolled)</span> : null}
                    </label>
                  ))}
                </fieldset>
                {errorsFor("enroll").userIds ? (
                  <p className="field-error">{errorsFor("enroll").userIds}</p>
                ) : null}
                <button className="button" type="submit" disabled={busy}>
                  Enrol selected
                </button>
              </Form>
            )}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function CourseSettings({
  course,
  busy,
  errors,
}: {
  course: { title: string; description: string; archived: boolean };
  busy: boolean;
  errors: FieldErrors;
}) {
  return (
    <div className="toolbar">
      <details className="reschedule" open={Object.keys(errors).length > 0 || undefined}>
        <summary>Edit course</summary>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="edit-course" />
          <Field
            id="course-edit-title"
            name="title"
            label="Course title"
            defaultValue={course.title}
            required
            error={errors.title}
          />
          <Field
            id="course-edit-description"
            name="description"
            label="Course description"
            defaultValue={course.description}
            error={errors.description}
          />
          <button className="button" type="submit" disabled={busy}>
            Save course
          </button>
        </Form>
      </details>
      {course.archived ? (
        <Form method="post">
          <input type="hidden" name="intent" value="restore-course" />
          <button className="button secondary" type="submit" disabled={busy}>
            Restore course
          </button>
        </Form>
      ) : (
        <details className="reschedule">
          <summary>Archive course</summary>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="archive-course" />
            <p className="small">
              Archived courses leave the course list and take no new classes. Classes already
              scheduled stay. You can restore it later.
            </p>
            <button className="button danger" type="submit" disabled={busy}>
              Yes, archive this course
            </button>
          </Form>
        </details>
      )}
    </div>
  );
}

function LessonControls({
  lesson,
  first,
  last,
  busy,
}: {
  lesson: { id: string; title: string; description: string };
  first: boolean;
  last: boolean;
  busy: boolean;
}) {
  const move = (direction: "up" | "down", label: string, disabled: boolean) => (
    <Form method="post">
      <input type="hidden" name="intent" value="move-lesson" />
      <input type="hidden" name="lessonId" value={lesson.id} />
      <input type="hidden" name="direction" value={direction} />
      <button className="link-button" type="submit" disabled={busy || disabled}>
        {label} <span className="visually-hidden">{lesson.title}</span>
      </button>
    </Form>
  );
  return (
    <div className="toolbar lesson-controls">
      {move("up", "Move up", first)}
      {move("down", "Move down", last)}
      <details className="reschedule">
        <summary>
          Edit <span className="visually-hidden">{lesson.title}</span>
        </summary>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="edit-lesson" />
          <input type="hidden" name="lessonId" value={lesson.id} />
          <Field
            id={`lesson-title-${lesson.id}`}
            name="title"
            label="Lesson title"
            defaultValue={lesson.title}
            required
          />
          <Field
            id={`lesson-description-${lesson.id}`}
            name="description"
            label="Lesson description"
            defaultValue={lesson.description}
          />
          <button className="button secondary" type="submit" disabled={busy}>
            Save lesson
          </button>
        </Form>
      </details>
      <Form method="post">
        <input type="hidden" name="intent" value="archive-lesson" />
        <input type="hidden" name="lessonId" value={lesson.id} />
        <button className="link-button" type="submit" disabled={busy}>
          Archive <span className="visually-hidden">{lesson.title}</span>
        </button>
      </Form>
    </div>
  );
}
