import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { FormMessage } from "~/components/Field";
import { acceptInvitation, joinTarget } from "~/services/people.server";
import { getUser, requireUser } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "Your invitation · Lectern" }];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const [target, user] = await Promise.all([
    joinTarget(context, { invitation: params.id }),
    getUser(request, context),
  ]);
  return { target, user: user ? { email: user.email } : null, id: params.id ?? "" };
});

export const action = page(async ({ request, context, params }: ActionFunctionArgs) => {
  const user = await requireUser(request, context);
  const slug = await acceptInvitation(context, user, params.id ?? "");
  throw redirect(`/s/${slug}`);
});

export default function Invitation() {
  const { target, user, id } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  if (target.kind !== "invitation") {
    return (
      <section className="card auth-card" aria-labelledby="invite-title">
        <h1 id="invite-title">Invitation</h1>
        <FormMessage tone="error">{target.kind === "closed" ? target.reason : null}</FormMessage>
      </section>
    );
  }
  const here = `/invitations/${id}`;
  return (
    <section className="card auth-card" aria-labelledby="invite-title">
      <h1 id="invite-title">{`Join ${target.schoolName}`}</h1>
      <p>
        You're invited to join <strong>{target.schoolName}</strong> on Lectern as{" "}
        {target.role === "admin" ? "an" : "a"} <strong>{target.role}</strong>.
      </p>
      {!user ? (
        <div className="form">
          <Link className="button" to={`/sign-up?invitation=${id}`}>
            Create my account
          </Link>
          <p className="form-footer">
            <Link to={`/sign-in?redirectTo=${encodeURIComponent(here)}`}>
              I already have an account: sign in
            </Link>
          </p>
        </div>
      ) : user.email.toLowerCase() === target.email.toLowerCase() ? (
        <Form method="post" className="form">
          <button className="button" type="submit" disabled={busy}>
            {busy ? "Joining…" : `Join ${target.schoolName}`}
          </button>
        </Form>
      ) : (
        <FormMessage tone="error">
          This invitation is for {target.email}, but you're signed in as {user.email}. Sign out,
          then open this link again.
        </FormMessage>
      )}
    </section>
  );
}
