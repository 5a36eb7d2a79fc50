import { spawn } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../db/embedded";

const root = new URL("..", import.meta.url).pathname;

/** Run the real server entry and collect what it prints until it exits or `until` matches. */
function runServer(env: Record<string, string>, until?: RegExp) {
  return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "info", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (until?.test(stdout)) child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stderr, stdout }));
  });
}

const secret = "s".repeat(48);

describe("server start-up", () => {
  it.each([
    [
      "a malformed DATABASE_URL",
      { DATABASE_URL: "mysql://somewhere/db", AUTH_SECRET: secret },
      /^lectern: Invalid configuration: DATABASE_URL must be a postgres/,
    ],
    [
      "a missing secret in production",
      { NODE_ENV: "production", DATABASE_URL: "postgres://127.0.0.1:5432/x" },
      /^lectern: Invalid configuration: AUTH_SECRET is required/,
    ],
    [
      "an unreachable database",
      { DATABASE_URL: "postgres://lectern:pw@127.0.0.1:1/nowhere", AUTH_SECRET: secret },
      /^lectern: Cannot reach the database at postgres:\/\/lectern:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    ],
  ])("stops on %s with a one-line message", async (_name, env, message) => {
    const { code, stderr } = await runServer(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("serves health probes in a jobs-only process and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const url = inject("databaseUrl");
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        ROLE: "jobs",
        PORT: String(port),
        DATABASE_URL: url,
        SEED_DEMO: "false",
        LOG_LEVEL: "info",
      },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain("Lectern is ready");
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    const health = { status: response.status, body: await response.json() };
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(stdout).toContain('"msg":"stopped"');
  });
});
