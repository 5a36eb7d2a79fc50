import type { TestProject } from "vitest/node";
import { createScratchDatabase } from "../../db/scratchDatabase";

declare module "vitest" {
  export interface ProvidedContext {
    /** Connects as the app role: row-level security applies, as in production. */
    databaseUrl: string;
    /** Connects as the owner: migrations and ground-truth checks. */
    ownerDatabaseUrl: string;
    /** Environment for a server process on this database. */
    serverEnv: { DATABASE_URL: string; DATABASE_APP_ROLE: string; AUTH_SECRET: string };
  }
}

/** One migrated database for the run: on DATABASE_URL's server if set, else embedded. */
export default async function setup(project: TestProject) {
  const database = await createScratchDatabase("test");
  project.provide("databaseUrl", database.url);
  project.provide("ownerDatabaseUrl", database.ownerUrl);
  project.provide("serverEnv", database.env);
  return () => database.drop();
}
