import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { withDefaultUser } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

export interface ScratchDatabase {
  url: string;
  /** Drop the database (or stop the embedded cluster and delete its files). */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for tests and benchmarks: a new database on the
 * server at `DATABASE_URL` when it is set, otherwise a throwaway embedded cluster.
 */
export async function createScratchDatabase(
  label: string,
  serverUrl = process.env.DATABASE_URL,
): Promise<ScratchDatabase> {
  const name = `lectern_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
  if (serverUrl) {
    serverUrl = withDefaultUser(serverUrl);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await runMigrations(url.toString());
    return {
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        try {
          await client.query(
            `drop database if exists ${client.escapeIdentifier(name)} with (force)`,
          );
        } finally {
          await client.end();
        }
      },
    };
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), "lectern-pg-"));
  // Readable by the `postgres` system user that runs the cluster when we are root.
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres({
    dir: path.join(dir, "data"),
    database: name,
    persistent: false,
  });
  await runMigrations(embedded.url);
  return {
    url: embedded.url,
    async drop() {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
