import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort } from "../../db/embedded";
import { DEMO_PASSWORD } from "../../db/seed";

/** Shared by the benchmarks that drive a server process. */

export async function waitUntilReady(url: string, path = "/readyz"): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not become ready within 60 s");
}

export async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "/" }),
    redirect: "manual",
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
  if (cookies.length === 0) throw new Error(`sign-in failed for ${email}: ${response.status}`);
  return cookies.join("; ");
}

/** A process's CPU time so far (user + system), in milliseconds, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // ticks of 10 ms
}

/** A process's resident memory, in MB, from /proc. */
export function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

/** A benchmark's child processes (Node scripts), stopped with SIGTERM and awaited by `stopAll`. */
export function childProcesses() {
  const children: ChildProcess[] = [];
  return {
    start(args: string[], env: Record<string, string>): ChildProcess {
      const child = spawn(process.execPath, args, {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, ...env },
      });
      children.push(child);
      return child;
    },
    /** Lectern's production build (`ROLE=all`, demo school seeded) on a free port, once ready. */
    async startLectern(env: Record<string, string>, nodeFlags: string[] = []) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = this.start([...nodeFlags, "build/server.js"], {
        ...env,
        NODE_ENV: "production",
        ROLE: "all",
        HOST: "127.0.0.1",
        PORT: String(port),
        APP_URL: url,
        LOG_LEVEL: "warn",
        SEED_DEMO: "true",
        AUTH_RATE_LIMIT_MAX: "100000",
        // Benchmark clients post far faster than a person: the per-person limit would measure itself.
        COMMAND_RATE_PER_SECOND: "10000",
        COMMAND_RATE_BURST: "100000",
      });
      await waitUntilReady(url);
      return { url, pid: child.pid! };
    },
    async stopAll() {
      for (const child of children) {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await new Promise((r) => child.once("exit", r));
        }
      }
    },
  };
}
