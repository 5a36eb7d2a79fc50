import { PgBoss } from "pg-boss";
import type pg from "pg";

/** pg-boss's own schema in the app's database (DESIGN.md section 9). */
export const JOBS_SCHEMA = "pgboss";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Install or migrate pg-boss's schema as the database owner, then give the app
 * role what a pg-boss instance needs to send, fetch, complete, schedule and
 * maintain jobs there (and nothing in it it could use to change the schema).
 * Runs inside the caller's start-up lock (db/appRole.ts), so processes starting
 * at once do not race pg-boss's migrations or the grants.
 */
export async function installJobQueue(
  owner: pg.Client,
  ownerUrl: string,
  appRole: string,
  schema = JOBS_SCHEMA,
): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid job queue schema "${schema}"`);
  // Only migrations: no maintenance, schedules or workers in this instance.
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema,
    max: 2,
    application_name: "lectern-bootstrap-jobs",
    migrate: true,
    supervise: false,
    schedule: false,
  });
  boss.on("error", () => {});
  await boss.start();
  await boss.stop({ graceful: false, timeout: 1_000 });

  const s = owner.escapeIdentifier(schema);
  const role = owner.escapeIdentifier(appRole);
  await owner.query(`grant usage on schema ${s} to ${role}`);
  await owner.query(`grant select, insert, update, delete on all tables in schema ${s} to ${role}`);
  await owner.query(`grant usage, select on all sequences in schema ${s} to ${role}`);
  await owner.query(`grant execute on all functions in schema ${s} to ${role}`);
  // Tables pg-boss adds later (a partitioned queue, stats partitions) are the app's to use too.
  await owner.query(
    `alter default privileges in schema ${s} grant select, insert, update, delete on tables to ${role}`,
  );
  await owner.query(
    `alter default privileges in schema ${s} grant usage, select on sequences to ${role}`,
  );
}
