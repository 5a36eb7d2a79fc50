import { execFileSync } from "node:child_process";
import path from "node:path";

/** Route tests drive the real Remix build, so build it once per run (a few seconds). */
export default function setup() {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"],
    {
      cwd: root,
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
}
