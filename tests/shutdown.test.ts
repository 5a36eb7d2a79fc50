import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../db/embedded";
import {
  descendants,
  launch,
  projectCopy,
  running,
  waitForOk,
  waitUntilGone,
} from "./support/processTree";

/*
 * What a process manager or a container runtime does: SIGTERM to the npm
 * process. Everything npm started must be gone shortly after, ports closed,
 * having stopped in order (the server says "stopped"), not been left behind.
 * The project runs from a copy, so its builds and data stay out of the checkout.
 */

let copy: string;
let scratch: string;

beforeAll(async () => {
  copy = await projectCopy();
  scratch = await mkdtemp(path.join(os.tmpdir(), "lectern-shutdown-"));
  // Readable by the `postgres` system user that runs the cluster when we are root.
  await chmod(scratch, 0o755);
});

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** The environment of a shell that runs npm: none of this test run's own settings. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|NODE_ENV|VITEST.*|TEST|npm_.*|PORT|HOST)$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, LOG_LEVEL: "info", ...extra } as unknown as NodeJS.ProcessEnv;
}

/** Leave nothing behind even when the test fails. */
function killAll(pids: number[]) {
  for (const pid of pids.filter(running)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

describe("stopping Lectern with SIGTERM", () => {
  it("npm run dev: stops Remix, the app server and the embedded PostgreSQL it started", async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const pgDir = path.join(scratch, "pg");
    const npm = launch(
      "npm",
      ["run", "dev"],
      copy,
      shellEnv({
        HOST: "127.0.0.1",
        PORT: String(port),
        EMBEDDED_PG_DIR: pgDir,
        EMBEDDED_PG_PORT: String(pgPort),
      }),
    );
    let tree: number[] = [];
    try {
      await waitForOk(`http://127.0.0.1:${port}/healthz`, npm.child, npm.output);
      const started = descendants(npm.child.pid!);
      tree = started.map((p) => p.pid);
      const commands = started.map((p) => p.command);
      expect(commands.some((c) => c.includes("remix") && c.includes("dev"))).toBe(true);
      expect(commands.some((c) => c.includes("server.ts"))).toBe(true);
      expect(commands.some((c) => /postgres\s+-D/.test(c))).toBe(true);

      npm.child.kill("SIGTERM");
      const { left, open } = await waitUntilGone(tree, [port, pgPort], 15_000);
      expect({ left: started.filter((p) => left.includes(p.pid)), open }).toEqual({
        left: [],
        open: [],
      });
      await npm.exited;
      expect(npm.output.text).toContain('"msg":"stopped"');
      // PostgreSQL shut down cleanly: it removes its pid file on the way out.
      expect(existsSync(path.join(pgDir, "postmaster.pid"))).toBe(false);
    } finally {
      killAll([...tree, ...descendants(npm.child.pid!).map((p) => p.pid)]);
      npm.child.kill("SIGKILL");
    }
  }, 180_000);

  it("npm start: the production server stops, and nothing it started stays", async () => {
    // What `npm run build` makes, made in the copy: the Remix build and build/server.js.
    const env = shellEnv({ NODE_ENV: "production" });
    const build = (args: string[]) =>
      execFileSync(process.execPath, args, { cwd: copy, env, stdio: "pipe" });
    build([path.join(copy, "node_modules/@remix-run/dev/dist/cli.js"), "build"]);
    build(["--import", "tsx", "scripts/build-server.ts"]);

    const port = await freePort();
    const npm = launch(
      "npm",
      ["start"],
      copy,
      shellEnv({ ...inject("serverEnv"), HOST: "127.0.0.1", PORT: String(port) }),
    );
    let tree: number[] = [];
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, npm.child, npm.output);
      const started = descendants(npm.child.pid!);
      tree = started.map((p) => p.pid);
      expect(started.some((p) => p.command.includes("build/server.js"))).toBe(true);

      npm.child.kill("SIGTERM");
      const { left, open } = await waitUntilGone(tree, [port], 15_000);
      expect({ left: started.filter((p) => left.includes(p.pid)), open }).toEqual({
        left: [],
        open: [],
      });
      await npm.exited;
      expect(npm.output.text).toContain('"msg":"stopped"');
    } finally {
      killAll([...tree, ...descendants(npm.child.pid!).map((p) => p.pid)]);
      npm.child.kill("SIGKILL");
    }
  }, 180_000);
});
