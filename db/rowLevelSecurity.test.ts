import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connect, createTenantWithSessions } from "../tests/support/fixtures";
import { appendEvents } from "./eventLog";
import { courses, sessions, sessionStateEvents } from "./schema";
import { withTenant } from "./tenantContext";

const app = connect(inject("databaseUrl"), 5);

/** Postgres's own message (drizzle wraps it as the cause of "Failed query: ..."). */
async function failure(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e as Error & { cause?: Error },
  );
  return error?.cause?.message ?? error?.message ?? "did not fail";
}
afterAll(() => app.close());

async function twoSchools() {
  const a = await createTenantWithSessions(app, 2);
  const b = await createTenantWithSessions(app, 3);
  for (const school of [a, b]) {
    await withTenant(app.db, school.tenant.id, (tx) =>
      tx
        .insert(courses)
        .values({ tenantId: school.tenant.id, title: `Course of ${school.tenant.slug}` }),
    );
    await appendEvents(app.pool, {
      tenantId: school.tenant.id,
      sessionId: school.sessions[0]!.id,
      events: [{ type: "hand.raised", payload: { userId: randomUUID() } }],
    });
  }
  return { a, b };
}

describe("row-level security (the app role, no filters in the query)", () => {
  it("connects as a role that is neither superuser, owner nor able to bypass RLS", async () => {
    const { rows } = await app.pool.query(
      `select rolsuper, rolbypassrls, current_user <> (select tableowner from pg_tables where tablename = 'sessions') as not_owner
       from pg_roles where rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, not_owner: true });
  });

  it("shows school A's context none of school B's rows, with deliberately unfiltered queries", async () => {
    const { a, b } = await twoSchools();
    await withTenant(app.db, a.tenant.id, async (tx) => {
      const allSessions = await tx.select().from(sessions);
      const allCourses = await tx.select().from(courses);
      const allEvents = await tx.select().from(sessionStateEvents);
      expect(allSessions.length).toBeGreaterThanOrEqual(2);
      for (const rows of [allSessions, allCourses, allEvents]) {
        expect(rows.every((r) => r.tenantId === a.tenant.id)).toBe(true);
        expect(rows.some((r) => r.tenantId === b.tenant.id)).toBe(false);
      }
      const byId = await tx.execute(sql`select id from sessions where id = ${b.sessions[0]!.id}`);
      expect(byId.rows).toEqual([]);
    });
  });

  it("shows nothing at all outside a tenant context", async () => {
    await twoSchools();
    const { rows } = await app.pool.query("select count(*)::int as n from sessions");
    expect(rows[0].n).toBe(0);
  });

  it("refuses to write a row into another school from school A's context", async () => {
    const { a, b } = await twoSchools();
    expect(
      await failure(
        withTenant(app.db, a.tenant.id, (tx) =>
          tx.insert(courses).values({ tenantId: b.tenant.id, title: "smuggled" }),
        ),
      ),
    ).toMatch(/row-level security/);
    const updated = await withTenant(app.db, a.tenant.id, (tx) =>
      tx.execute(sql`update sessions set title = 'hijacked' where tenant_id = ${b.tenant.id}`),
    );
    expect(updated.rowCount).toBe(0);
  });

  it("keeps the event log append-only for the app", async () => {
    const { a } = await twoSchools();
    expect(
      await failure(
        withTenant(app.db, a.tenant.id, (tx) => tx.execute(sql`delete from session_state_events`)),
      ),
    ).toMatch(/permission denied/);
    expect(
      await failure(
        withTenant(app.db, a.tenant.id, (tx) =>
          tx.execute(sql`update session_state_events set type = 'x'`),
        ),
      ),
    ).toMatch(/permission denied/);
  });
});
