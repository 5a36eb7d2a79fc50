import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { callAuth, forwardCookies } from "~/authApi.server";

/** POST only (a link could be forged into a page); clears the session cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  const response = await callAuth(context, request, "/sign-out", {});
  throw redirect("/", { headers: forwardCookies(response) });
}

export function loader() {
  throw redirect("/");
}
