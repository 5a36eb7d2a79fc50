import { spawn } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../db/embedded";

const root = new URL("..", import.meta.url).pathname;

/** The real server entry, on the pinned Node, with only the environment given. */
function spawnServer(env: Partial<NodeJS.ProcessEnv>) {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      NODE_ENV: "development",
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, output, exited };
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
      { NODE_ENV: "production" as const, DATABASE_URL: "postgres://127.0.0.1:5432/x" },
      /^lectern: Invalid configuration: AUTH_SECRET is required/,
    ],
    [
      "an unreachable database",
      { DATABASE_URL: "postgres://lectern:pw@127.0.0.1:1/nowhere", AUTH_SECRET: secret },
      /^lectern: Cannot reach the database at postgres:\/\/lectern:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    ],
  ])("stops on %s with a one-line message", async (_name, env, message) => {
    const { output, exited } = spawnServer(env);
    expect(await exited).toBe(1);
    const { stderr } = output;
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("serves health probes in a jobs-only process and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const { child, output, exited } = spawnServer({
      ...inject("serverEnv"),
      ROLE: "jobs",
      PORT: String(port),
      SEED_DEMO: "false",
    });
    await expect.poll(() => output.stdout, { timeout: 30_000 }).toContain("Lectern is ready");
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    const health = { status: response.status, body: await response.json() };
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(output.stdout).toContain('"msg":"stopped"');
  });
});
