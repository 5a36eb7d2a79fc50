import { createHmac } from "node:crypto";
import pg from "pg";
import { installJobQueue } from "./jobQueue";
import { withStartupLock } from "./startupLock";

/**
 * The role the application connects as: it owns nothing, is no superuser and
 * cannot bypass row-level security, so the tenant policies bind every query it
 * runs. Migrations and this bootstrap run as the database owner.
 */
export interface AppRole {
  name: string;
  password: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The app role's password, derived from the deployment's secret so no second secret is needed. */
export function appRoleFor(name: string, secret: string): AppRole {
  if (!ROLE_NAME.test(name)) throw new Error(`invalid database role name "${name}"`);
  const password = createHmac("sha256", secret).update(`lectern-db-role:${name}`).digest("hex");
  return { name, password };
}

/** The owner's connection URL with the app role's credentials instead. */
export function appRoleUrl(ownerUrl: string, role: AppRole): string {
  const url = new URL(ownerUrl);
  url.username = role.name;
  url.password = role.password;
  return url.toString();
}

/**
 * Create (or update) the app role and give it exactly what the app needs:
 * read/write on tenant data, append-only on the event log, read-only on the
 * fixed role list; and pg-boss's schema (db/jobQueue.ts), installed or migrated
 * here under the same lock. Idempotent; run after every migration.
 */
export async function ensureAppRole(
  ownerUrl: string,
  role: AppRole,
  options: { jobsSchema?: string } = {},
): Promise<void> {
  const client = new pg.Client({
    connectionString: ownerUrl,
    application_name: "lectern-bootstrap",
  });
  await client.connect();
  const name = client.escapeIdentifier(role.name);
  try {
    await withStartupLock(client, async () => {
      const { rows } = await client.query<{ db: string }>("select current_database() as db");
      const database = client.escapeIdentifier(rows[0]!.db);
      const exists = await client.query("select 1 from pg_roles where rolname = $1", [role.name]);
      if (!exists.rowCount) {
        await client
          .query(`create role ${name} login nosuperuser nocreatedb nocreaterole nobypassrls`)
          .catch((error: { code?: string }) => {
            // Another process created it between our check and now.
            if (error.code !== "42710") throw error;
          });
      }
      await client.query(
        `alter role ${name} with login password ${client.escapeLiteral(role.password)}`,
      );
      await client.query(`grant connect on database ${database} to ${name}`);
      await client.query(`grant usage on schema public to ${name}`);
      await client.query(
        `grant select, insert, update, delete on all tables in schema public to ${name}`,
      );
      await client.query(`grant usage, select on all sequences in schema public to ${name}`);
      // The log is history: rows are appended, never changed or removed by the app.
      await client.query(`revoke update, delete, truncate on session_state_events from ${name}`);
      await client.query(`revoke insert, update, delete, truncate on roles from ${name}`);
      await installJobQueue(client, ownerUrl, role.name, options.jobsSchema);
    });
  } finally {
    await client.end();
  }
}

/** Remove a role created for a scratch database (tests, benchmarks). */
export async function dropAppRole(ownerUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`drop role if exists ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
