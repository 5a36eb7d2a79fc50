import { randomUUID } from "node:crypto";
import type pg from "pg";
import { enrollStudents, scheduleSession } from "../../core/classes/scheduling";
import type { OpenDatabase } from "../../core/platform/database";
import type { Actor } from "../../core/identity/permissions";

/** Ids of the demo school and its people (seeded by every test app). */
export async function demoIds(owner: pg.Pool) {
  const { rows } = await owner.query<{ email: string; id: string; tenant_id: string }>(
    `select u.email, u.id, r.tenant_id from users u
       join user_roles r on r.user_id = u.id
       join tenants t on t.id = r.tenant_id and t.slug = 'demo'`,
  );
  const id = (who: string) => rows.find((r) => r.email === `${who}@demo.lectern.test`)!.id;
  return { tenantId: rows[0]!.tenant_id, id };
}

/** A class tomorrow, taught by the demo teacher, with the given demo students enrolled. */
export async function scheduleDemoClass(
  database: OpenDatabase,
  owner: pg.Pool,
  students: string[] = ["student1"],
) {
  const { tenantId, id } = await demoIds(owner);
  const teacher: Actor = { userId: id("teacher"), tenantId, tenantRole: "teacher" };
  const deps = { db: database.db, pool: database.pool };
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const session = await scheduleSession(deps, teacher, {
    title: `Live class ${randomUUID().slice(0, 8)}`,
    startsAt: `${tomorrow}T10:00`,
    durationMinutes: 60,
    timeZone: "UTC",
  });
  if (students.length) {
    await enrollStudents(deps, teacher, { sessionId: session.id }, { userIds: students.map(id) });
  }
  return { sessionId: session.id, tenantId, teacher, id };
}

/** Types of a class's events, in sequence order, straight from the log. */
export async function eventTypes(owner: pg.Pool, sessionId: string): Promise<string[]> {
  const { rows } = await owner.query<{ type: string }>(
    "select type from session_state_events where session_id = $1 order by sequence",
    [sessionId],
  );
  return rows.map((r) => r.type);
}

/**
 * Make the event log refuse one type of event for one class (a trigger on the
 * owner's side), to prove that a failing append leaves nothing half done.
 * Returns a function that lifts the refusal.
 */
export async function refuseEvents(owner: pg.Pool, sessionId: string, type: string) {
  await owner.query(`
    create table if not exists test_refused_events (session_id uuid not null, type text not null);
    create or replace function test_refuse_event() returns trigger
      language plpgsql security definer set search_path = public as $$
    begin
      if exists (select 1 from test_refused_events r where r.session_id = new.session_id and r.type = new.type) then
        raise exception 'test: the event log refuses % for this class', new.type;
      end if;
      return new;
    end $$;
    create or replace trigger test_refuse_event before insert on session_state_events
      for each row execute function test_refuse_event();
  `);
  await owner.query("insert into test_refused_events values ($1, $2)", [sessionId, type]);
  return async () => {
    await owner.query("delete from test_refused_events where session_id = $1 and type = $2", [
      sessionId,
      type,
    ]);
  };
}
