import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { callAuth } from "~/authApi.server";
import { authSession, requireMember } from "~/session.server";
import { page } from "~/utils/page";

/** Everything under /s/:slug belongs to one school; only its members get in. */
export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const session = await authSession(request, context);
  if (session && session.session.activeOrganizationId !== member.tenant.id) {
    // Remember the school last opened: sign-in comes back to it.
    await callAuth(context, request, "/organization/set-active", {
      organizationId: member.tenant.id,
    });
  }
  const admin = member.role === "owner" || member.role === "admin";
  return {
    school: { name: member.tenant.name, slug: member.tenant.slug },
    role: member.role,
    canSeePeople: admin || member.role === "teacher",
    canSeeAudit: admin,
  };
});

export default function SchoolLayout() {
  const { school, canSeePeople, canSeeAudit } = useLoaderData<typeof loader>();
  const base = `/s/${school.slug}`;
  return (
    <>
      <nav aria-label={`${school.name} sections`}>
        <ul className="tabs">
          <li>
            <NavLink to={base} end>
              Overview
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/agenda`}>My classes</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/courses`}>Courses</NavLink>
          </li>
          {canSeePeople ? (
            <li>
              <NavLink to={`${base}/people`}>People</NavLink>
            </li>
          ) : null}
          {canSeeAudit ? (
            <li>
              <NavLink to={`${base}/audit`}>Audit log</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
