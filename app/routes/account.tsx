import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import {
  changePasswordSchema,
  fieldErrors,
  profileSchema,
  type FieldErrors,
} from "../../core/identity/authForms";
import { Field, FormMessage, NewPasswordFields } from "~/components/Field";
import { authFailure, callAuth, forwardCookies } from "~/authApi.server";
import { requireUser, schoolsOf } from "~/session.server";

export const meta: MetaFunction = () => [{ title: "Your account · Lectern" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const schools = await schoolsOf(context, user.id);
  return { user, schools };
}

type Result = { form: "profile" | "password"; errors: FieldErrors; saved?: boolean };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(request, context);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "profile") {
    const parsed = profileSchema.safeParse(form);
    if (!parsed.success) {
      return data<Result>({ form: "profile", errors: fieldErrors(parsed.error) }, 400);
    }
    const response = await callAuth(context, request, "/update-user", { name: parsed.data.name });
    if (!response.ok) {
      return data<Result>(
        { form: "profile", errors: { form: "We couldn't save your name." } },
        400,
      );
    }
    return data<Result>({ form: "profile", errors: {}, saved: true });
  }
  const parsed = changePasswordSchema.safeParse(form);
  if (!parsed.success) {
    return data<Result>({ form: "password", errors: fieldErrors(parsed.error) }, 400);
  }
  const response = await callAuth(context, request, "/change-password", {
    currentPassword: parsed.data.currentPassword,
    newPassword: parsed.data.password,
    revokeOtherSessions: true,
  });
  if (!response.ok) {
    const message = await authFailure(
      response,
      { INVALID_PASSWORD: "Your current password is not right." },
      "We couldn't change your password.",
    );
    return data<Result>({ form: "password", errors: { currentPassword: message } }, 400);
  }
  // Every session is replaced (other devices are signed out), this one included:
  // redirect so the page loads with the fresh cookie.
  throw redirect("/account?password=changed", { headers: forwardCookies(response) });
}

export default function Account() {
  const { user, schools } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const profile = result?.form === "profile" ? result : undefined;
  const password = result?.form === "password" ? result : undefined;
  const [params] = useSearchParams();
  const passwordChanged = params.get("password") === "changed" && !password;
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <div className="cards">
        <div className="card">
          <h2>Profile</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="profile" />
            {profile?.saved ? <FormMessage tone="ok">Saved.</FormMessage> : null}
            {profile?.errors.form ? (
              <FormMessage tone="error">{profile.errors.form}</FormMessage>
            ) : null}
            <Field
              name="name"
              label="Name"
              defaultValue={user.name}
              required
              error={profile?.errors.name}
            />
            <p className="muted small">
              Email: <strong>{user.email}</strong>
            </p>
            <button className="button" type="submit" disabled={busy}>
              Save
            </button>
          </Form>
        </div>
        <div className="card">
          <h2>Password</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="password" />
            {passwordChanged ? (
              <FormMessage tone="ok">
                Password changed. Your other devices are signed out.
              </FormMessage>
            ) : null}
            <Field
              name="currentPassword"
              label="Current password"
              type="password"
              autoComplete="current-password"
              required
              error={password?.errors.currentPassword}
            />
            <NewPasswordFields errors={password?.errors ?? {}} label="New password" />
            <button className="button" type="submit" disabled={busy}>
              Change password
            </button>
          </Form>
        </div>
        <div className="card">
          <h2>Your schools</h2>
          {schools.length === 0 ? (
            <p>You're not in a school yet. Open the invitation link your school sent you.</p>
          ) : (
            <ul>
              {schools.map((school) => (
                <li key={school.slug}>
                  <Link to={`/s/${school.slug}`}>{school.name}</Link>{" "}
                  <span className="muted">({school.role})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
