/**
 * `npm run dev`: `remix dev --manual -c "tsx server.ts"` (rebuild on change,
 * the app server reloading each build), under a supervisor that makes stopping
 * it stop everything it started: Remix, the app server, esbuild and the
 * embedded PostgreSQL.
 *
 * Remix runs in a process group of its own, and everything it starts stays in
 * it. On SIGINT, SIGTERM or SIGHUP the app server is stopped first (it closes
 * the class connections and stops its database), while Remix still relays its
 * output; then Remix itself; then we exit with Remix's code. A second signal,
 * or anything of the group still running 10 s later, kills the whole group.
 *
 * npm runs scripts through `sh -c`, and a process manager's SIGTERM to npm
 * reaches that shell, which dies without passing it on: losing our parent
 * counts as a SIGTERM too.
 */
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";

const DEADLINE_MS = 10_000;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const remixCli = createRequire(import.meta.url).resolve("@remix-run/dev/dist/cli.js");
const remix = spawn(
  process.execPath,
  [remixCli, "dev", "--manual", "-c", "tsx server.ts", ...process.argv.slice(2)],
  // Not the terminal's stdin: a background process group reading it would be stopped (SIGTTIN).
  { stdio: ["ignore", "inherit", "inherit"], detached: true },
);
const group = remix.pid!;

let stopping = false;
let remixCode: number | null = null;

/** Signal every process of the group; false once none is left. */
function signalGroup(signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

interface Process {
  pid: number;
  ppid: number;
  zombie: boolean;
  command: string;
}

/** The machine's processes (`ps` works on Linux and macOS alike). */
function processes(): Process[] {
  try {
    return execFileSync("ps", ["-A", "-o", "pid=,ppid=,stat=,args="], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, pid, ppid, stat, command]) => ({
        pid: Number(pid),
        ppid: Number(ppid),
        zombie: stat!.startsWith("Z"),
        command: command!,
      }));
  } catch {
    return [];
  }
}

/** Running (a zombie has finished; it only waits for its parent to notice). */
function running(pids: number[]): boolean {
  return processes().some((p) => pids.includes(p.pid) && !p.zombie);
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // Asked again: do not wait any longer.
    signalGroup("SIGKILL");
    return;
  }
  stopping = true;
  const deadline = Date.now() + DEADLINE_MS;
  setTimeout(() => {
    if (!signalGroup(0)) return;
    process.stderr.write(`dev: still running ${DEADLINE_MS / 1000} s after ${signal}; killing\n`);
    signalGroup("SIGKILL");
  }, DEADLINE_MS).unref();

  if (remixCode === null) {
    // The app server first, so its last words still reach us through Remix; Remix's
    // own esbuild service stays until Remix goes (Remix does not outlive losing it).
    const started = processes()
      .filter((p) => p.ppid === remix.pid && !/esbuild/.test(p.command))
      .map((p) => p.pid);
    for (const pid of started) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    while (running(started) && Date.now() < deadline - 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A moment for Remix to pass on the app server's last lines before it goes too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (remixCode === null) remix.kill(signal);
  } else {
    signalGroup(signal);
  }
}

for (const signal of SIGNALS) process.on(signal, () => void stop(signal));

const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid !== parent) void stop("SIGTERM");
}, 250);

remix.on("exit", (code, signal) => {
  remixCode = code ?? 128 + (signal ? constants.signals[signal] : 1);
  // Remix is gone (stopped, or crashed): nothing it started may outlive it.
  if (!stopping) void stop("SIGTERM");
  const gone = setInterval(() => {
    if (signalGroup(0)) return;
    clearInterval(gone);
    clearInterval(orphaned);
    process.exit(remixCode ?? 0);
  }, 50);
});
