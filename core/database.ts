import { createDb, pingDatabase, type DbHandle } from "../db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { redactUrl, type Config } from "./config";
import type { Logger } from "./logger";

export interface OpenDatabase extends DbHandle {
  url: string;
  embedded: EmbeddedDatabase | null;
}

/** A start-up failure that should stop the process with one readable line. */
export class StartupError extends Error {
  override name = "StartupError";
}

/**
 * Connect to `DATABASE_URL`, or start the embedded PostgreSQL when it is unset;
 * then migrate (and seed the demo school when asked).
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { migrate?: boolean; seed?: boolean } = {},
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    log.info(
      { dir: config.EMBEDDED_PG_DIR },
      "DATABASE_URL is unset: starting embedded PostgreSQL",
    );
    try {
      embedded = await startEmbeddedPostgres({
        dir: config.EMBEDDED_PG_DIR,
        port: config.EMBEDDED_PG_PORT,
        onLog: (line) => log.debug({ postgres: line.trim() }, "embedded postgres"),
      });
    } catch (error) {
      throw new StartupError(`Could not start the embedded database: ${message(error)}`);
    }
    url = embedded.url;
    log.info({ port: embedded.port }, "embedded PostgreSQL is running");
  }

  const handle = createDb(url, {
    max: config.DATABASE_POOL_MAX,
    applicationName: `lectern-${config.ROLE}`,
    onError: (error) => log.warn({ err: error }, "idle database connection failed"),
  });
  const close = async () => {
    await handle.close().catch(() => {});
    await embedded?.stop();
  };

  try {
    await pingDatabase(handle.pool, 10_000);
  } catch (error) {
    await close();
    throw new StartupError(`Cannot reach the database at ${redactUrl(url)}: ${message(error)}`);
  }
  try {
    if (options.migrate ?? true) {
      await runMigrations(url);
      log.info("database migrations are up to date");
    }
    if (options.seed ?? config.SEED_DEMO) {
      const seeded = await seedDemo(handle.db);
      if (seeded.created) log.info({ tenant: seeded.tenant.slug }, "seeded the demo school");
    }
  } catch (error) {
    await close();
    throw new StartupError(`Database set-up failed: ${message(error)}`);
  }
  return { ...handle, url, embedded, close };
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
