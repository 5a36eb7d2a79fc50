import { existsSync } from "node:fs";
import http from "node:http";
import express from "express";
import { announceDevReady, createWebApp } from "./app/web.server";
import { ConfigError, loadConfig, type Config } from "./core/platform/config";
import { openDatabase, StartupError, type OpenDatabase } from "./core/platform/database";
import { createClassEventHub } from "./core/log/classEvents";
import { checkHealth, checkReadiness, type Readiness } from "./core/platform/health";
import { createLogger, type Logger } from "./core/platform/logger";
import { startJobs, type Jobs } from "./jobs/role";
import { syncLimitsFrom } from "./sync-server/limits";
import { createSyncServer } from "./sync-server/server";

/**
 * The one Lectern entry. ROLE=all (default) runs web + sync + jobs in this
 * process; ROLE=web|sync|jobs runs one of them, for production.
 */
async function main(): Promise<void> {
  // Variables already in the environment win over the file.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const readiness: Readiness = { ready: false, reason: "starting" };
  const database = await openDatabase(config, log);

  // pg-boss: the web role sends the artifact pipeline's jobs; the jobs role works them
  // and runs the schedules (reconcile, the sweep). Sync needs neither.
  const working = config.ROLE === "all" || config.ROLE === "jobs";
  const jobs =
    working || config.ROLE === "web"
      ? await startJobs({ config, database, log, work: working }).catch(async (error: unknown) => {
          await database.close();
          throw error;
        })
      : null;
  const { server, close } = await listen(config, log, database, readiness, jobs);
  readiness.ready = true;
  readiness.reason = "serving";
  log.info({ role: config.ROLE, url: config.APP_URL }, `Lectern is ready at ${config.APP_URL}`);
  if (config.NODE_ENV === "development" && process.env.REMIX_DEV_ORIGIN) await announceDevReady();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // Asked twice: stop now (the embedded database's exit hook still stops it).
      log.warn({ signal }, "stopping at once");
      process.exit(1);
    }
    stopping = true;
    readiness.ready = false;
    readiness.reason = "shutting down";
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("did not stop within 10 s; exiting");
      process.exit(1);
    }, 10_000).unref();
    try {
      // No new connections; then end the open ones (the studio's WebSockets
      // with the sync server, idle keep-alives) rather than wait for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs?.stop();
      await close();
      server.closeAllConnections();
      await closed;
      await database.close();
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      await database.close().catch(() => {});
      process.exit(1);
    }
    clearTimeout(force);
    log.info("stopped");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void stop(signal));
  }
  stopWithParent(() => void stop("parent exited"));
}

/**
 * Under `npm start` / `npm run`, npm's shell is our parent, and a SIGTERM to
 * npm (a process manager stopping it) kills that shell without passing the
 * signal on. Being left behind by it means we should stop.
 */
function stopWithParent(stop: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

async function listen(
  config: Config,
  log: Logger,
  database: OpenDatabase,
  readiness: Readiness,
  jobs: Jobs | null,
): Promise<{ server: http.Server; close(): Promise<void> }> {
  const web = config.ROLE === "all" || config.ROLE === "web";
  const syncing = config.ROLE === "all" || config.ROLE === "sync";
  // One LISTEN connection per process, shared by event streams and sync pushes.
  const classEvents =
    web || syncing
      ? await createClassEventHub({ pool: database.pool, listenUrl: database.url, log })
      : null;
  const deps = {
    config,
    log,
    db: database,
    readiness,
    classEvents: classEvents ?? undefined,
    pipeline: jobs?.pipeline,
  };
  // Sync and jobs processes have no pages, but still answer the platform's probes.
  const { app, close } = web
    ? await createWebApp(deps)
    : { app: probesOnly(deps), close: async () => {} };
  const server = http.createServer(app);
  // The live studio's WebSockets (/sync): on the web port with ROLE=all, alone with ROLE=sync.
  const sync =
    syncing && classEvents
      ? createSyncServer({
          db: database.db,
          pool: database.pool,
          authSecret: config.AUTH_SECRET,
          log,
          classEvents,
          redisUrl: config.REDIS_URL,
          limits: syncLimitsFrom(config),
        })
      : null;
  server.on("upgrade", (request, socket, head) => {
    if (!sync?.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  return {
    server,
    close: async () => {
      await sync?.close();
      await close();
      await classEvents?.close();
    },
  };
}

function probesOnly({ db, readiness }: { db: OpenDatabase; readiness: Readiness }) {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", async (_req, res) => {
    const { httpStatus, body } = await checkHealth(db.pool);
    res.status(httpStatus).json(body);
  });
  app.get("/readyz", async (_req, res) => {
    const { httpStatus, body } = await checkReadiness(db.pool, readiness);
    res.status(httpStatus).json(body);
  });
  return app;
}

main().catch((error: unknown) => {
  // Configuration and start-up problems are one readable line, not a stack trace.
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`lectern: ${error.message}\n`);
  } else {
    process.stderr.write(
      `lectern: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
