import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { reachable } from "./syncProcess";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    return { pid, ppid, command };
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (not `root` itself), from /proc. */
export function descendants(root: number): ProcessInfo[] {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessInfo => p !== null);
  const found: ProcessInfo[] = [];
  const walk = (pid: number) => {
    for (const child of all.filter((p) => p.ppid === pid)) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

/** Still running, and not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A process started with its output kept, and its exit awaited. */
export function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const output = { text: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.text += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output.text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** Wait for `url` to answer 200, or fail with what the process said. */
export async function waitForOk(
  url: string,
  child: ChildProcess,
  output: { text: string },
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`exited with ${child.exitCode}:\n${output.text.slice(-4_000)}`);
    }
    const response = await fetch(url).catch(() => null);
    if (response?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in time:\n${output.text.slice(-4_000)}`);
}

/** Wait until none of `pids` runs and no one listens on `ports`; returns what is left. */
export async function waitUntilGone(pids: number[], ports: number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(running);
    const open: number[] = [];
    for (const port of ports) if (await reachable("127.0.0.1", port)) open.push(port);
    if ((left.length === 0 && open.length === 0) || Date.now() > deadline) return { left, open };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A copy of the project's sources in a temporary directory (node_modules
 * linked), so `npm run dev` and a production build write their `build/`,
 * `public/build/` and `.data/` there, not under the checkout other tests use.
 */
export async function projectCopy(): Promise<string> {
  const root = path.resolve(import.meta.dirname, "../..");
  const copy = await mkdtemp(path.join(os.tmpdir(), "lectern-project-"));
  const entries = [
    "app",
    "core",
    "db",
    "sync-server",
    "jobs",
    "scripts",
    "public",
    "server.ts",
    "remix.config.js",
    "remix.env.d.ts",
    "tsconfig.json",
    "package.json",
  ];
  for (const entry of entries) {
    if (!existsSync(path.join(root, entry))) continue;
    await cp(path.join(root, entry), path.join(copy, entry), {
      recursive: true,
      filter: (source) => !source.startsWith(path.join(root, "public/build")),
    });
  }
  await mkdir(path.join(copy, "public"), { recursive: true });
  await symlink(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}
