import { fork, spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

/**
 * Lectern as the browser tests see it: the production build (`npm run build`
 * first) on a fresh scratch database, on E2E_PORT (default 3100).
 *
 *   tsx scripts/e2e-server.ts
 *
 * It runs as two processes. This supervisor starts a detached "stack" process
 * that owns the database and the server, and on SIGINT/SIGTERM asks it to stop
 * in order: the server first, then the scratch database is dropped. The split
 * exists because Playwright stops its web server by signalling the whole
 * process group: an embedded Postgres in that group would get the signal too
 * and shut down underneath the still-running server, racing the drop. The
 * stack also stops if this supervisor dies (its IPC channel closes), so no
 * Postgres outlives a run.
 */

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

const SERVER_STOP_TIMEOUT_MS = 15_000;
const DROP_TIMEOUT_MS = 30_000;

if (process.argv.includes("--stack")) {
  await runStack();
} else {
  await supervise();
}

async function supervise(): Promise<void> {
  const stack = fork(fileURLToPath(import.meta.url), ["--stack"], {
    detached: true,
    stdio: "inherit",
  });
  let stopping = false;
  const stop = (signal: StopSignal) => {
    if (stopping) return;
    stopping = true;
    if (stack.connected) stack.send({ stop: signal });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  process.exit(await exitCodeOf(stack));
}

async function runStack(): Promise<void> {
  let stopSignal: StopSignal | undefined;
  let server: ChildProcess | undefined;
  const requestStop = (signal: StopSignal) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill(signal);
      setTimeout(() => server?.kill("SIGKILL"), SERVER_STOP_TIMEOUT_MS).unref();
    }
  };
  process.on("message", (message) => {
    if (isStopMessage(message)) requestStop(message.stop);
  });
  process.on("disconnect", () => requestStop("SIGTERM"));
  // Only the supervisor signals the stack, but someone may signal it directly.
  for (const signal of STOP_SIGNALS) process.on(signal, () => requestStop(signal));

  // Loaded here, not at the top: the supervisor has no business with Postgres.
  const { createScratchDatabase } = await import("../db/scratchDatabase");

  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    database = await createScratchDatabase("e2e");
  } catch (error) {
    console.error("e2e-server: could not create the scratch database:", error);
    process.exit(1);
  }

  let code = 128 + constants.signals[stopSignal ?? "SIGTERM"];
  if (!stopSignal) {
    const port = process.env.E2E_PORT ?? "3100";
    server = spawn(process.execPath, ["build/server.js"], {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_ENV: "production",
        ...database.env,
        // The browser tests read reset and invitation links from the outbox page,
        // and sign in many times from one address: limits raised, not disabled.
        MAIL_OUTBOX_PAGE: "true",
        AUTH_RATE_LIMIT_MAX: "1000",
        HOST: "127.0.0.1",
        PORT: port,
        APP_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: "warn",
        SEED_DEMO: "true",
      },
    });
    console.log(`e2e-server: starting Lectern on http://127.0.0.1:${port}`);
    code = await exitCodeOf(server);
  }

  const dropped = await Promise.race([
    database.drop().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), DROP_TIMEOUT_MS)),
  ]).catch((error: unknown) => {
    console.error("e2e-server: could not drop the scratch database:", error);
    return false;
  });
  if (!dropped) console.error("e2e-server: the scratch database was not dropped cleanly");
  process.exit(code);
}

function isStopMessage(message: unknown): message is { stop: StopSignal } {
  return (
    typeof message === "object" &&
    message !== null &&
    STOP_SIGNALS.includes((message as { stop?: unknown }).stop as StopSignal)
  );
}

/** Resolves with the child's exit code (128 + n when a signal ended it, 1 if it never ran). */
function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("error", (error) => {
      console.error("e2e-server: could not start a process:", error);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      resolve(code ?? (signal ? 128 + constants.signals[signal] : 1));
    });
  });
}
