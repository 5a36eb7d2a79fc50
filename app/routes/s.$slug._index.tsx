import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.school.name ?? "School"} · Lectern` },
];

const roleNames = { owner: "Owner", admin: "Admin", teacher: "Teacher", student: "Student" };

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  return {
    school: { name: member.tenant.name, slug: member.tenant.slug },
    role: member.role,
    name: member.user.name,
  };
});

export default function SchoolHome() {
  const { school, role, name } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="school-title">
      <h1 id="school-title">{school.name}</h1>
      <p className="lead">
        Welcome, {name}. You are {role === "admin" || role === "owner" ? "an" : "a"}{" "}
        <strong>{roleNames[role].toLowerCase()}</strong> here.
      </p>
      <ul className="cards">
        {role === "student" ? (
          <li className="card">
            <h3>Your classes</h3>
            <p>Your teachers schedule classes; you'll find them here as soon as they do.</p>
          </li>
        ) : (
          <li className="card">
            <h3>People</h3>
            <p>
              See who is in {school.name}
              {role === "teacher" ? "." : ", invite teachers and students, and set their roles."}
            </p>
            <p>
              <Link to={`/s/${school.slug}/people`}>Open people</Link>
            </p>
          </li>
        )}
        {role === "admin" || role === "owner" ? (
          <li className="card">
            <h3>Audit log</h3>
            <p>Every change to someone's role or access, with who made it and when.</p>
            <p>
              <Link to={`/s/${school.slug}/audit`}>Open the audit log</Link>
            </p>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
