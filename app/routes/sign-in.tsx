import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  fieldErrors,
  safeRedirect,
  signInSchema,
  type FieldErrors,
} from "../../core/identity/authForms";
import { Field, FormMessage } from "~/components/Field";
import { authFailure, callAuth, forwardCookies } from "~/authApi.server";
import { getUser } from "~/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Lectern" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = Object.fromEntries(await request.formData());
  const parsed = signInSchema.safeParse(form);
  if (!parsed.success) {
    return data({ errors: fieldErrors(parsed.error), email: String(form.email ?? "") }, 400);
  }
  const { email, password, redirectTo } = parsed.data;
  const response = await callAuth(context, request, "/sign-in/email", { email, password });
  if (!response.ok) {
    // One message for a wrong password and an unknown email: no account enumeration.
    const message = await authFailure(
      response,
      { EMAIL_NOT_VERIFIED: "Confirm your email address first: we sent you a link." },
      "That email and password don't match. Check them, or reset your password.",
    );
    const errors: FieldErrors = { form: message };
    return data({ errors, email }, response.status === 429 ? 429 : 400);
  }
  throw redirect(safeRedirect(redirectTo), { headers: forwardCookies(response) });
}

export default function SignIn() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  const reset = params.get("reset") === "done";
  return (
    <section className="card auth-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <Form method="post" className="form" noValidate>
        {reset ? (
          <FormMessage tone="ok">Your password is changed. Sign in with it.</FormMessage>
        ) : null}
        {errors.form ? <FormMessage tone="error">{errors.form}</FormMessage> : null}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          defaultValue={result?.email}
          error={errors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <button className="button" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <div className="form-footer">
          <Link to="/forgot-password">Forgot your password?</Link>
          <Link to="/sign-up">New here? Create an account</Link>
        </div>
      </Form>
    </section>
  );
}
