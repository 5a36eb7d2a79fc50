import { randomUUID } from "node:crypto";
import type pg from "pg";
import { scheduleSession, type SchedulingDeps } from "../../core/classes/scheduling";

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

/** K people with a place in the class (writers as co-teachers, viewers as students). */
export async function seedPeople(
  pool: pg.Pool,
  place: { tenantId: string; sessionId: string },
  count: number,
  schoolRole: "teacher" | "student",
  classRole: "co_teacher" | "student",
): Promise<string[]> {
  const run = randomUUID().slice(0, 8);
  const { rows } = await pool.query<{ user_id: string }>(
    `with people as (
       insert into users (name, email, email_verified)
       select 'Bench ' || i, 'bench-' || $1 || '-' || i || '@demo.lectern.test', true
         from generate_series(1, $2::int) as i
       returning id),
     roles as (insert into user_roles (tenant_id, user_id, role)
       select $3, id, $4 from people returning user_id)
     insert into session_participants (tenant_id, session_id, user_id, role)
     select $3, $5, user_id, $6 from roles returning user_id`,
    [run, count, place.tenantId, schoolRole, place.sessionId, classRole],
  );
  return rows.map((r) => r.user_id);
}
