import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import type { FieldErrors } from "../../core/identity/authForms";
import { can } from "../../core/identity/permissions";
import { FormMessage } from "~/components/Field";
import { ClassList, ScheduleClass } from "~/components/course/ClassScheduler";
import { AddLesson, CourseSettings, LessonList } from "~/components/course/CourseEditor";
import { Roster } from "~/components/course/Roster";
import { classScheduling, courseEdit, isCourseEdit } from "~/services/coursePage.server";
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
  if (isCourseEdit(intent)) return courseEdit(scheduling, courseId, intent, fields);
  return classScheduling(scheduling, courseId, intent, form, fields);
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

      <ClassList
        sessions={sessions}
        canManage={canManage}
        busy={busy}
        scheduleKey={scheduleKey}
        timeZones={timeZones}
      />

      <LessonList lessons={lessons} canManage={canManage} busy={busy} />

      {canManage && !course.archived ? (
        <div className="cards">
          <ScheduleClass
            lessons={lessons}
            colleagues={colleagues}
            timeZones={timeZones}
            scheduleKey={scheduleKey}
            zoneRef={zone}
            scheduled={result?.intent === "schedule" && "done" in result}
            busy={busy}
            errors={errorsFor("schedule")}
          />
          <AddLesson busy={busy} errors={errorsFor("lesson")} />
          <Roster roster={roster} busy={busy} error={errorsFor("enroll").userIds} />
        </div>
      ) : null}
    </section>
  );
}
