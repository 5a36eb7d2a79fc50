import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { withStartupLock } from "./startupLock";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Apply pending migrations. A session-level advisory lock makes concurrent
 * starters wait for the first one instead of racing on DDL.
 */
export async function runMigrations(url: string, folder = migrationsFolder): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: "lectern-migrate" });
  await client.connect();
  try {
    await withStartupLock(client, () => migrate(drizzle(client), { migrationsFolder: folder }));
  } finally {
    await client.end();
  }
}
