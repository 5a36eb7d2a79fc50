import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { fieldErrors, type FieldErrors } from "../../core/identity/authForms";
import { can } from "../../core/identity/permissions";
import { courseSchema } from "../../core/classes/schedulingForms";
import { Field, FormMessage } from "~/components/Field";
import { schedulingFor } from "~/services/scheduling.server";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "Courses · Lectern" }];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const showArchived = new URL(request.url).searchParams.get("archived") === "1";
  const all = await schedulingFor(context, member).courses({ includeArchived: showArchived });
  const view = (c: (typeof all)[number]) => ({
    id: c.id,
    title: c.title,
    description: c.description,
  });
  return {
    slug: member.tenant.slug,
    canCreate: can(member.actor, "course:create", { tenantId: member.tenant.id, kind: "course" }),
    courses: all.filter((c) => !c.archivedAt).map(view),
    archived: showArchived ? all.filter((c) => c.archivedAt).map(view) : null,
  };
});

export const action = page(async ({ request, context, params }: ActionFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const parsed = courseSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ errors: fieldErrors(parsed.error) }, 400);
  const course = await schedulingFor(context, member).createCourse(parsed.data);
  throw redirect(`/s/${member.tenant.slug}/courses/${course.id}`);
});

export default function Courses() {
  const { slug, courses, archived, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: FieldErrors = result?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="courses-title">
      <div className="page-header">
        <h1 id="courses-title">Courses</h1>
        {archived ? (
          <Link to={`/s/${slug}/courses`}>Hide archived courses</Link>
        ) : (
          <Link to={`/s/${slug}/courses?archived=1`}>Show archived courses</Link>
        )}
      </div>
      {courses.length === 0 ? (
        <p className="card">No courses yet.{canCreate ? " Create the first one below." : ""}</p>
      ) : (
        <ul className="cards">
          {courses.map((course) => (
            <li key={course.id} className="card">
              <h2>
                <Link to={`/s/${slug}/courses/${course.id}`}>{course.title}</Link>
              </h2>
              <p>{course.description || "No description yet."}</p>
            </li>
          ))}
        </ul>
      )}
      {archived ? (
        <section aria-labelledby="archived-title">
          <h2 id="archived-title">Archived courses</h2>
          {archived.length === 0 ? (
            <p className="muted">No archived courses.</p>
          ) : (
            <ul className="cards">
              {archived.map((course) => (
                <li key={course.id} className="card">
                  <h3>
                    <Link to={`/s/${slug}/courses/${course.id}`}>{course.title}</Link>{" "}
                    <span className="pill">archived</span>
                  </h3>
                  <p>{course.description || "No description yet."}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {canCreate ? (
        <div className="card">
          <h2>New course</h2>
          <Form method="post" className="form" noValidate>
            {errors.form ? <FormMessage tone="error">{errors.form}</FormMessage> : null}
            <Field name="title" label="Title" required error={errors.title} />
            <Field name="description" label="Description" error={errors.description} />
            <button className="button" type="submit" disabled={busy}>
              Create course
            </button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}
