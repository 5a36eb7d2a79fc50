import type { LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "../../core/platform/errors";
import { calendarFor, subscriber } from "~/services/calendar.server";
import { apiRoute } from "~/utils/api";

/** The subscription feed calendar apps poll; the signed link is the credential. */
export const loader = apiRoute(async ({ context, params }: LoaderFunctionArgs) => {
  const found = await subscriber(context, params.token ?? "");
  if (!found) throw new AppError("not_found", "This calendar link is not valid.");
  return calendarFor(context, found.actor, found.school);
});
