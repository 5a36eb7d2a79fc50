import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { fieldErrors, forgotPasswordSchema, type FieldErrors } from "../../core/identity/authForms";
import { Field, FormMessage } from "~/components/Field";
import { callAuth, TOO_MANY_ATTEMPTS } from "~/authApi.server";

export const meta: MetaFunction = () => [{ title: "Reset your password · Lectern" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = forgotPasswordSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ sent: false, errors: fieldErrors(parsed.error) }, 400);
  const response = await callAuth(context, request, "/request-password-reset", {
    email: parsed.data.email,
    redirectTo: "/reset-password",
  });
  if (response.status === 429) {
    const errors: FieldErrors = { form: TOO_MANY_ATTEMPTS };
    return data({ sent: false, errors }, 429);
  }
  // The same answer whether or not the address has an account: no enumeration.
  return { sent: true, errors: {} as FieldErrors };
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  return (
    <section className="card auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      {result?.sent ? (
        <FormMessage tone="ok">
          If an account uses that address, we have sent it a link to choose a new password. The link
          works for one hour.
        </FormMessage>
      ) : (
        <Form method="post" className="form" noValidate>
          <p className="muted">We'll email you a link to choose a new password.</p>
          {errors.form ? <FormMessage tone="error">{errors.form}</FormMessage> : null}
          <Field
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            error={errors.email}
          />
          <button className="button" type="submit" disabled={busy}>
            {busy ? "Sending…" : "Send the link"}
          </button>
        </Form>
      )}
      <p className="form-footer">
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}
