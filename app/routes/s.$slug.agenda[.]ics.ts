import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarFor } from "~/services/calendar.server";
import { requireMember } from "~/session.server";
import { apiRoute } from "~/utils/api";

/** Download of the signed-in member's classes as an .ics file. */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  return calendarFor(context, member.actor, member.tenant);
});
