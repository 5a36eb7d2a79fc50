import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { fieldErrors, type FieldErrors } from "../../core/identity/authForms";
import { can, tenantRoleSchema, type TenantRole } from "../../core/identity/permissions";
import { peopleActionSchema } from "../../core/identity/peopleForms";
import { Field, FormMessage } from "~/components/Field";
import { peopleAdmin } from "~/services/peopleAdmin.server";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "People · Lectern" }];

const roleLabel: Record<TenantRole, string> = {
  owner: "Owner",
  admin: "Admin",
  teacher: "Teacher",
  student: "Student",
};

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const { members, invitations } = await peopleAdmin(context, member).list();
  const actor = member.actor;
  const tenant = { tenantId: actor.tenantId };
  // What this person may do, row by row, from the same rules the server enforces.
  const rows = members.map((m) => ({
    ...m,
    joinedAt: m.joinedAt.toISOString(),
    self: m.userId === actor.userId,
    assignable: tenantRoleSchema.options.filter((role) =>
      can(actor, "member:change_role", {
        ...tenant,
        kind: "member",
        userId: m.userId,
        role: m.role,
        newRole: role,
      }),
    ),
    removable: can(actor, "member:remove", {
      ...tenant,
      kind: "member",
      userId: m.userId,
      role: m.role,
    }),
  }));
  return {
    school: member.tenant.name,
    people: rows,
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      expiresAt: i.expiresAt.toISOString(),
    })),
    invitable: tenantRoleSchema.options.filter((role) =>
      can(actor, "member:invite", { ...tenant, kind: "member", newRole: role }),
    ),
  };
});

type Result = { intent: string; errors: FieldErrors; done?: string };

export const action = page(async ({ request, context, params }: ActionFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  const parsed = peopleActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return data<Result>({ intent: "invalid", errors: fieldErrors(parsed.error) }, 400);
  }
  const people = peopleAdmin(context, member);
  const input = parsed.data;
  if (input.intent === "invite") {
    try {
      await people.invite(input);
    } catch (error) {
      // "Already a member" belongs next to the field; other refusals go to the error page.
      if (error instanceof Error && error.message.includes("already a member")) {
        return data<Result>({ intent: "invite", errors: { email: error.message } }, 409);
      }
      throw error;
    }
    return data<Result>({
      intent: "invite",
      errors: {},
      done: `Invitation sent to ${input.email}.`,
    });
  }
  if (input.intent === "change_role") {
    await people.changeRole(input);
    return data<Result>({ intent: "change_role", errors: {}, done: "Role updated." });
  }
  await people.remove(input);
  return data<Result>({ intent: "remove", errors: {}, done: "Removed from the school." });
});

export default function People() {
  const { school, people, invitations, invitable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const inviteErrors = result?.intent === "invite" ? result.errors : {};
  return (
    <section aria-labelledby="people-title">
      <div className="page-header">
        <div>
          <h1 id="people-title">People</h1>
          <p className="muted">
            {people.length} {people.length === 1 ? "person" : "people"} in {school}
          </p>
        </div>
      </div>
      {result?.done ? <FormMessage tone="ok">{result.done}</FormMessage> : null}

      {invitable.length > 0 ? (
        <div className="card" style={{ marginBottom: 24 }}>
          <h2>Invite someone</h2>
          <Form method="post" className="inline-form" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <Field
              name="email"
              label="Email"
              type="email"
              autoComplete="off"
              required
              error={inviteErrors.email}
            />
            <div className="field">
              <label htmlFor="invite-role">Role</label>
              <select id="invite-role" name="role" className="input" defaultValue="student">
                {invitable.map((role) => (
                  <option key={role} value={role}>
                    {roleLabel[role]}
                  </option>
                ))}
              </select>
            </div>
            <button className="button" type="submit" disabled={busy}>
              Send invitation
            </button>
          </Form>
          {invitations.length > 0 ? (
            <>
              <h3>Waiting to accept</h3>
              <ul>
                {invitations.map((i) => (
                  <li key={i.id}>
                    {i.email} as {roleLabel[i.role]} · expires {i.expiresAt.slice(0, 10)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}

      <div className="table-wrap">
        <table className="data">
          <caption className="muted small" style={{ textAlign: "left", padding: "8px 0" }}>
            Members and their roles
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.userId}>
                <td>
                  {person.name}
                  {person.self ? <span className="muted"> (you)</span> : null}
                </td>
                <td>{person.email}</td>
                <td>
                  {person.assignable.length > 0 ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="change_role" />
                      <input type="hidden" name="userId" value={person.userId} />
                      <label className="visually-hidden" htmlFor={`role-${person.userId}`}>
                        Role of {person.name}
                      </label>
                      <select
                        id={`role-${person.userId}`}
                        name="role"
                        className="input"
                        defaultValue={person.role}
                      >
                        {Array.from(new Set([person.role, ...person.assignable])).map((role) => (
                          <option key={role} value={role}>
                            {roleLabel[role]}
                          </option>
                        ))}
                      </select>
                      <button className="button secondary" type="submit" disabled={busy}>
                        Save role
                      </button>
                    </Form>
                  ) : (
                    roleLabel[person.role]
                  )}
                </td>
                <td>
                  {person.removable ? (
                    <Form
                      method="post"
                      onSubmit={(event) => {
                        if (!window.confirm(`Remove ${person.name} from ${school}?`))
                          event.preventDefault();
                      }}
                    >
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="userId" value={person.userId} />
                      <button className="link-button" type="submit" disabled={busy}>
                        Remove <span className="visually-hidden">{person.name}</span>
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
