import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { peopleAdmin } from "~/services/peopleAdmin.server";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "Audit log · Lectern" }];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const entries = await peopleAdmin(context, member).audit();
  return {
    entries: entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  };
});

const describe = (value: unknown) =>
  value && typeof value === "object" && "role" in value
    ? String(value.role)
    : value
      ? JSON.stringify(value)
      : "—";

/** Invitations name an address, not yet a person. */
function invitedEmail(after: unknown): string | undefined {
  const email = (after as { email?: unknown } | null)?.email;
  return typeof email === "string" ? email : undefined;
}

export default function Audit() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">
        Changes to people's roles and access in this school, newest first. Refused attempts are
        listed too.
      </p>
      {entries.length === 0 ? (
        <p className="card">Nothing yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Whom</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.createdAt}>{e.createdAt.replace("T", " ").slice(0, 19)}</time>
                  </td>
                  <td>{e.actorName ?? "—"}</td>
                  <td>{e.action}</td>
                  <td>{e.subjectName ?? invitedEmail(e.after) ?? "—"}</td>
                  <td>{describe(e.before)}</td>
                  <td>{describe(e.after)}</td>
                  <td>
                    <span className={`pill ${e.outcome === "denied" ? "bad" : "ok"}`}>
                      {e.outcome}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
