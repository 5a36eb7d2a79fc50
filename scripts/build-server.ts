import { cp } from "node:fs/promises";
import { build } from "esbuild";

/** Bundle the server entry for `npm start`; packages stay external, migrations ship beside it. */
await build({
  entryPoints: ["server.ts"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
await cp("db/migrations", "build/migrations", { recursive: true });
console.log("built build/server.js");
