import type { TestProject } from "vitest/node";
import { createScratchDatabase } from "../../db/scratchDatabase";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One migrated database for the run: on DATABASE_URL's server if set, else embedded. */
export default async function setup(project: TestProject) {
  const database = await createScratchDatabase("test");
  project.provide("databaseUrl", database.url);
  return () => database.drop();
}
