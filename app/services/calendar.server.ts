import type { AppLoadContext } from "@remix-run/node";
import { calendarToken, readCalendarToken, toICalendar } from "../../core/classes/calendar";
import type { Actor } from "../../core/identity/permissions";
import { agenda } from "../../core/classes/scheduling";
import { findMembership, findTenantById } from "../../db/tenancy";

const DAY = 86_400_000;

/** The person's classes from a month ago to half a year ahead, as iCalendar. */
export async function calendarFor(
  context: AppLoadContext,
  actor: Actor,
  school: { name: string; slug: string },
): Promise<Response> {
  const now = Date.now();
  const classes = await agenda({ db: context.db.db, pool: context.db.pool }, actor, {
    from: new Date(now - 30 * DAY),
    to: new Date(now + 180 * DAY),
  });
  const body = toICalendar(
    classes.map((c) => ({ ...c, courseTitle: c.courseTitle ?? null })),
    {
      name: `${school.name} · Lectern`,
      url: new URL(`/s/${school.slug}/agenda`, context.config.APP_URL).toString(),
    },
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${school.slug}-classes.ics"`,
      "Cache-Control": "private, max-age=300",
    },
  });
}

export function subscriptionUrl(context: AppLoadContext, actor: Actor): string {
  const token = calendarToken(actor.userId, actor.tenantId, context.config.AUTH_SECRET);
  return new URL(`/calendar/${token}`, context.config.APP_URL).toString();
}

/** The member a subscription link stands for, if it is genuine and they are still in that school. */
export async function subscriber(context: AppLoadContext, token: string) {
  const claims = readCalendarToken(token, context.config.AUTH_SECRET);
  if (!claims) return null;
  const directory = context.db.directory.db;
  const role = await findMembership(directory, claims.userId, claims.tenantId);
  if (!role) return null;
  const tenant = await findTenantById(directory, claims.tenantId);
  if (!tenant) return null;
  const actor: Actor = { userId: claims.userId, tenantId: claims.tenantId, tenantRole: role };
  return { actor, school: { name: tenant.name, slug: tenant.slug } };
}
