import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { fieldErrors, signUpSchema, type FieldErrors } from "../../core/identity/authForms";
import { Field, FormMessage, NewPasswordFields } from "~/components/Field";
import { authFailure, callAuth, forwardCookies } from "~/authApi.server";
import { joinTarget, joinAfterSignUp } from "~/services/people.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "Create your account · Lectern" }];

/**
 * Accounts are made to join a school: by invitation (?invitation=<id>), or for a
 * school that allows open sign-up (?school=<slug>), who join as students.
 */
export const loader = page(async ({ request, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const target = await joinTarget(context, {
    invitation: url.searchParams.get("invitation") ?? undefined,
    school: url.searchParams.get("school") ?? undefined,
  });
  return { target };
});

export const action = page(async ({ request, context }: ActionFunctionArgs) => {
  const form = Object.fromEntries(await request.formData());
  const parsed = signUpSchema.safeParse(form);
  const echo = { name: String(form.name ?? ""), email: String(form.email ?? "") };
  if (!parsed.success) return data({ errors: fieldErrors(parsed.error), ...echo }, 400);
  const { name, email, password, invitation, school } = parsed.data;
  const target = await joinTarget(context, { invitation, school });
  if (target.kind === "closed") {
    const errors: FieldErrors = { form: target.reason };
    return data({ errors, ...echo }, 400);
  }
  if (target.kind === "invitation" && target.email !== email) {
    const errors: FieldErrors = { email: `This invitation is for ${target.email}.` };
    return data({ errors, ...echo }, 400);
  }
  const response = await callAuth(context, request, "/sign-up/email", { name, email, password });
  if (!response.ok) {
    const exists =
      "An account with this email already exists. Sign in instead, then open your invitation link again.";
    const errors: FieldErrors = {
      form: await authFailure(
        response,
        { USER_ALREADY_EXISTS: exists, USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: exists },
        "We couldn't create your account. Check the form and try again.",
      ),
    };
    return data({ errors, ...echo }, response.status === 429 ? 429 : 400);
  }
  const { user } = (await response.clone().json()) as { user: { id: string } };
  const slug = await joinAfterSignUp(context, target, { id: user.id, email }, context.requestId);
  throw redirect(`/s/${slug}`, { headers: forwardCookies(response) });
});

export default function SignUp() {
  const { target } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  if (target.kind === "closed") {
    return (
      <section className="card auth-card" aria-labelledby="sign-up-title">
        <h1 id="sign-up-title">Create your account</h1>
        <FormMessage tone="error">{target.reason}</FormMessage>
        <p className="form-footer">
          <Link to="/sign-in">Already have an account? Sign in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card auth-card" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">{`Join ${target.schoolName}`}</h1>
      <p className="muted">
        {target.kind === "invitation"
          ? `You're invited as ${target.role === "admin" ? "an" : "a"} ${target.role}.`
          : "You'll join as a student."}
      </p>
      <Form method="post" className="form" noValidate>
        {errors.form ? <FormMessage tone="error">{errors.form}</FormMessage> : null}
        {target.kind === "invitation" ? (
          <input type="hidden" name="invitation" value={target.invitationId} />
        ) : (
          <input type="hidden" name="school" value={target.slug} />
        )}
        <Field
          name="name"
          label="Your name"
          autoComplete="name"
          required
          defaultValue={result?.name}
          error={errors.name}
        />
        <Field
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          readOnly={target.kind === "invitation"}
          defaultValue={target.kind === "invitation" ? target.email : result?.email}
          error={errors.email}
        />
        <NewPasswordFields errors={errors} />
        <button className="button" type="submit" disabled={busy}>
          {busy ? "Creating your account…" : "Create account and join"}
        </button>
        <p className="form-footer">
          <Link to="/sign-in">Already have an account? Sign in</Link>
        </p>
      </Form>
    </section>
  );
}
