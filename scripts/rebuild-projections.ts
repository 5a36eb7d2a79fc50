import { parseArgs } from "node:util";
import { z } from "zod";
import { findSession } from "../db/classroom";
import { tenants } from "../db/schema";
import { findInSchools } from "../core/classes/classPlace";
import { ConfigError, loadConfig } from "../core/platform/config";
import { openDatabase, StartupError } from "../core/platform/database";
import { createLogger } from "../core/platform/logger";
import { rebuildProjections } from "../core/interaction/projections";

/**
 * `npm run projections:rebuild -- --session <id>`: rebuild a class's chat,
 * questions, polls, votes, hands and cards from its event log, in one
 * transaction (appends to that class wait meanwhile). Prints one JSON line.
 */
const usage = "Usage: npm run projections:rebuild -- --session <class id>";
try {
  const { values } = parseArgs({ options: { session: { type: "string" } } });
  const sessionId = z.uuid().safeParse(values.session);
  if (!sessionId.success) {
    console.error(`lectern: ${usage}`);
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase(config, createLogger(config.LOG_LEVEL), { seed: false });
  try {
    const schools = await database.db.select({ id: tenants.id }).from(tenants);
    const found = await findInSchools(database.db, schools, sessionId.data, findSession);
    if (!found) {
      console.error(`lectern: no class ${sessionId.data} in this database.`);
      process.exitCode = 1;
    } else {
      const started = performance.now();
      const { events } = await rebuildProjections(database.db, found.school.id, sessionId.data);
      console.log(
        JSON.stringify({
          sessionId: sessionId.data,
          events,
          ms: Math.round(performance.now() - started),
        }),
      );
    }
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(`lectern: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
