import type pg from "pg";
import { scheduleSession, type SchedulingDeps } from "../../core/scheduling";

/** The demo school's teacher (seeded by the server under test), as an actor. */
export async function demoTeacher(owner: pg.Pool) {
  const { rows } = await owner.query<{ tenant_id: string; user_id: string }>(
    `select r.tenant_id, r.user_id from user_roles r join users u on u.id = r.user_id
      where u.email = 'teacher@demo.lectern.test'`,
  );
  return { userId: rows[0]!.user_id, tenantId: rows[0]!.tenant_id, tenantRole: "teacher" as const };
}

/** A one-hour class tomorrow at `hour`:00 UTC, hosted by `teacher`. */
export function scheduleTomorrow(
  deps: SchedulingDeps,
  teacher: Awaited<ReturnType<typeof demoTeacher>>,
  title: string,
  hour = 10,
) {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return scheduleSession(deps, teacher, {
    title,
    startsAt: `${tomorrow}T${String(hour).padStart(2, "0")}:00`,
    durationMinutes: 60,
    timeZone: "UTC",
  });
}
