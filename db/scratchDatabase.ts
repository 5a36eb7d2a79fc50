import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { appRoleFor, appRoleUrl, dropAppRole, ensureAppRole } from "./appRole";
import { withDefaultUser } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

export interface ScratchDatabase {
  /** The owner's URL: migrations, and tests that check ground truth past RLS. */
  ownerUrl: string;
  /** The app role's URL: what the application itself connects with. */
  url: string;
  /** What a server process needs to use this database as the app would. */
  env: { DATABASE_URL: string; DATABASE_APP_ROLE: string; AUTH_SECRET: string };
  /** Drop the database and its role (or stop the embedded cluster and delete its files). */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for tests and benchmarks: a new database on the
 * server at `DATABASE_URL` when it is set, otherwise a throwaway embedded cluster.
 * Its app role is its own, so runs on one server never share credentials.
 */
export async function createScratchDatabase(
  label: string,
  serverUrl = process.env.DATABASE_URL,
): Promise<ScratchDatabase> {
  const name = `lectern_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
  const secret = randomBytes(32).toString("hex");
  const role = appRoleFor(`${name}_app`, secret);

  let ownerUrl: string;
  let cleanup: () => Promise<void>;
  if (serverUrl) {
    const server = withDefaultUser(serverUrl);
    await adminQuery(server, (c) => `create database ${c.escapeIdentifier(name)}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    ownerUrl = url.toString();
    cleanup = async () => {
      await adminQuery(
        server,
        (c) => `drop database if exists ${c.escapeIdentifier(name)} with (force)`,
      );
      await dropAppRole(server, role.name);
    };
  } else {
    const dir = await mkdtemp(path.join(os.tmpdir(), "lectern-pg-"));
    // Readable by the `postgres` system user that runs the cluster when we are root.
    await chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres({
      dir: path.join(dir, "data"),
      database: name,
      persistent: false,
    });
    ownerUrl = embedded.url;
    cleanup = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  try {
    await runMigrations(ownerUrl);
    await ensureAppRole(ownerUrl, role);
  } catch (error) {
    await cleanup().catch(() => {});
    throw error;
  }
  return {
    ownerUrl,
    url: appRoleUrl(ownerUrl, role),
    env: { DATABASE_URL: ownerUrl, DATABASE_APP_ROLE: role.name, AUTH_SECRET: secret },
    drop: cleanup,
  };
}

async function adminQuery(url: string, statement: (client: pg.Client) => string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement(client));
  } finally {
    await client.end();
  }
}
