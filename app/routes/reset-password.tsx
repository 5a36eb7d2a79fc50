import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { fieldErrors, resetPasswordSchema } from "../../core/identity/authForms";
import { FormMessage, NewPasswordFields } from "~/components/Field";
import { authFailure, callAuth } from "~/authApi.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Lectern" }];

const EXPIRED =
  "This reset link has expired or was already used. Ask for a new one and use it within the hour.";

export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  // better-auth sends people here with ?error=INVALID_TOKEN for a bad or old link.
  return { token: url.searchParams.get("token") ?? "", invalid: url.searchParams.has("error") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = resetPasswordSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ errors: fieldErrors(parsed.error) }, 400);
  const response = await callAuth(context, request, "/reset-password", {
    token: parsed.data.token,
    newPassword: parsed.data.password,
  });
  if (!response.ok) {
    const message = await authFailure(
      response,
      { INVALID_TOKEN: EXPIRED },
      "We couldn't change your password. Try again.",
    );
    return data(
      { errors: { form: message } as Record<string, string | undefined> },
      response.status,
    );
  }
  throw redirect("/sign-in?reset=done");
}

export default function ResetPassword() {
  const { token, invalid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  if (invalid || !token) {
    return (
      <section className="card auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title">Link not valid</h1>
        <FormMessage tone="error">{EXPIRED}</FormMessage>
        <p>
          <Link className="button" to="/forgot-password">
            Send me a new link
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <Form method="post" className="form" noValidate>
        {errors.form ? <FormMessage tone="error">{errors.form}</FormMessage> : null}
        <input type="hidden" name="token" value={token} />
        <NewPasswordFields errors={errors} label="New password" />
        <button className="button" type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save the new password"}
        </button>
      </Form>
    </section>
  );
}
