import { ConfigError, loadConfig } from "../core/platform/config";
import { openDatabase, StartupError } from "../core/platform/database";
import { createLogger } from "../core/platform/logger";

/** `npm run db:migrate`: apply pending migrations (what every process also does at start-up). */
try {
  const config = loadConfig();
  const database = await openDatabase(config, createLogger(config.LOG_LEVEL), { seed: false });
  await database.close();
  console.log("Migrations are up to date.");
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(`lectern: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
