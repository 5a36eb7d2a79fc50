import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "e2e/**", "build/**", ".data/**"],
    globalSetup: ["tests/setup/build.ts", "tests/setup/database.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
