import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const ci = Boolean(process.env.CI);

/**
 * Browser tests against the production build on a scratch database
 * (scripts/e2e-server.ts). Chromium is the system's (Debian's `chromium`
 * package): Playwright's own browser downloads are not available here.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // Two cores: one browser at a time keeps the server and the browser responsive.
  workers: 1,
  fullyParallel: false,
  retries: ci ? 1 : 0,
  forbidOnly: ci,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          // Playwright adds --no-sandbox itself (chromiumSandbox defaults to false).
          // Without the background-networking switches Chromium's own connections are
          // refused on a closed network and slow everything down.
          args: [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // A fake microphone and camera, allowed without a prompt: the classroom
            // records the presenter's microphone in the browser.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "npm run build && tsx scripts/e2e-server.ts",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    // Without this Playwright SIGKILLs the server's process group, and the
    // scratch database would never be dropped.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
