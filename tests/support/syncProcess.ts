import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { inject } from "vitest";
import { freePort } from "../../db/embedded";

/**
 * Lectern's real entry (`server.ts`) as its own process with ROLE=sync: what
 * production runs, and something a test can kill outright.
 */
export interface SyncProcess {
  url: string;
  port: number;
  /** SIGKILL: no shutdown hooks, no flushing. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSyncProcess(
  env: Record<string, string> = {},
  port?: number,
): Promise<SyncProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      ...inject("serverEnv"),
      NODE_ENV: "production",
      ROLE: "sync",
      HOST: "127.0.0.1",
      PORT: String(chosen),
      APP_URL: `http://127.0.0.1:${chosen}`,
      LOG_LEVEL: "warn",
      SEED_DEMO: "false",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${chosen}`;
  await ready(url, child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    port: chosen,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function ready(url: string, child: ChildProcess) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sync process exited with ${child.exitCode}`);
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("sync process did not become ready");
}

/** Whether something listens at host:port (e.g. the machine's Redis). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
