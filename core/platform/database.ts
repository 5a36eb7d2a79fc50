import { appRoleFor, appRoleUrl, ensureAppRole } from "../../db/appRole";
import { createDb, pingDatabase, type DbHandle } from "../../db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { DEMO_PASSWORD, seedDemo } from "../../db/seed";
import { redactUrl, type Config } from "./config";
import type { Logger } from "./logger";

export interface OpenDatabase extends DbHandle {
  /** Connection URL of the app role (row-level security applies). */
  url: string;
  /**
   * A pool for the sign-in service: same role, but allowed to read the school
   * directory (memberships, invitations) across schools, which sign-in needs
   * before any school is chosen.
   */
  directory: DbHandle;
  embedded: EmbeddedDatabase | null;
}

/** A start-up failure that should stop the process with one readable line. */
export class StartupError extends Error {
  override name = "StartupError";
}

/**
 * Connect to `DATABASE_URL` (or start the embedded PostgreSQL when it is unset)
 * as the owner, migrate, make sure the app role exists, then open the app's
 * pools as that role; seed the demo school when asked.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { seed?: boolean } = {},
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let ownerUrl = config.DATABASE_URL;
  if (!ownerUrl) {
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
    ownerUrl = embedded.url;
    log.info({ port: embedded.port }, "embedded PostgreSQL is running");
  }
  const stopEmbedded = async () => {
    await embedded?.stop();
  };

  const role = appRoleFor(config.DATABASE_APP_ROLE, config.AUTH_SECRET);
  try {
    await runMigrations(ownerUrl);
    await ensureAppRole(ownerUrl, role);
  } catch (error) {
    await stopEmbedded();
    const reason = message(error);
    throw new StartupError(
      isConnectionError(error)
        ? `Cannot reach the database at ${redactUrl(ownerUrl)}: ${reason}`
        : `Database set-up failed: ${reason}`,
    );
  }
  log.info({ role: role.name }, "database migrations are up to date");

  const url = appRoleUrl(ownerUrl, role);
  // Idle connections die with the server (a restart, a failover); the pool opens new ones.
  // Not `err`: node-postgres hangs the whole client on these errors.
  const onError = (error: Error) =>
    log.warn(
      { error: error.message, code: (error as { code?: string }).code },
      "idle database connection failed",
    );
  const app = createDb(url, {
    max: config.DATABASE_POOL_MAX,
    applicationName: `lectern-${config.ROLE}`,
    onError,
  });
  const directory = createDb(url, {
    max: Math.max(2, Math.ceil(config.DATABASE_POOL_MAX / 4)),
    applicationName: `lectern-${config.ROLE}-auth`,
    directory: true,
    onError,
  });
  const close = async () => {
    await Promise.allSettled([app.close(), directory.close()]);
    await stopEmbedded();
  };

  try {
    await pingDatabase(app.pool, 10_000);
    if (options.seed ?? config.SEED_DEMO) {
      const seeded = await seedDemo(app.db);
      if (seeded.created) log.info({ tenant: seeded.tenant.slug }, "seeded the demo school");
      log.info(
        { school: seeded.tenant.name, logins: seeded.logins },
        `Demo logins (password "${DEMO_PASSWORD}"): ${seeded.logins
          .map((l) => `${l.email} (${l.role})`)
          .join(", ")}`,
      );
    }
  } catch (error) {
    await close();
    throw new StartupError(`Database set-up failed: ${message(error)}`);
  }
  return { ...app, url, directory, embedded, close };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? "";
  return (
    ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "28P01", "3D000"].includes(code) ||
    (error instanceof AggregateError && error.errors.some(isConnectionError))
  );
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
