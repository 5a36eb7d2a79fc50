import { ConfigError, loadConfig } from "../core/platform/config";
import { openDatabase, StartupError } from "../core/platform/database";
import { createLogger } from "../core/platform/logger";

/** `npm run seed`: migrate and (re)seed the demo school; safe to run again. */
try {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, log, { seed: true });
  await database.close();
  console.log("The demo school is in place (slug: demo).");
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(`lectern: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
