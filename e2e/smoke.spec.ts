import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";

test.describe("home page", () => {
  test("renders the hero, the main navigation and a working skip link", async ({ page }) => {
    await page.goto("/");

    await expect(
      page.getByRole("heading", { level: 1, name: "The live classroom built for teaching" }),
    ).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    await expect(nav.getByRole("link", { name: "Status" })).toBeVisible();

    // The skip link is the first thing a keyboard user reaches, and it moves focus to the content.
    const skipLink = page.getByRole("link", { name: "Skip to content" });
    await page.keyboard.press("Tab");
    await expect(skipLink).toBeFocused();
    await expect(skipLink).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();
    await expect(page).toHaveURL(/#main$/);
  });
});

test.describe("health", () => {
  test("/healthz is green", async ({ request }) => {
    const response = await request.get("/healthz");

    expect(response.status()).toBe(200);
    expect(response.headers()["x-request-id"]).toBeTruthy();
    const body = (await response.json()) as {
      status: string;
      checks: { database: { ok: boolean } };
    };
    expect(body.status).toBe("ok");
    expect(body.checks.database.ok).toBe(true);
  });

  test("the status page shows the database as reachable", async ({ page }) => {
    await page.goto("/status");

    await expect(page.getByRole("heading", { level: 1, name: "System status" })).toBeVisible();
    const database = page.getByRole("listitem").filter({ hasText: "Database" });
    await expect(database.getByText(/^Reachable · [\d.]+ ms$/)).toBeVisible();
  });
});

test.describe("errors", () => {
  test("an unknown URL gets the friendly 404 page", async ({ page }) => {
    const response = await page.goto("/this-page-does-not-exist");

    expect(response?.status()).toBe(404);
    await expect(
      page.getByRole("heading", { level: 1, name: "We couldn't find that page" }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the home page" })).toBeVisible();
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/\bat .+:\d+:\d+/); // stack frames
    expect(text).not.toMatch(/node_modules|Error:|ErrorResponse/);
  });
});

const pages = [
  { name: "home", url: "/", heading: "The live classroom built for teaching" },
  { name: "status", url: "/status", heading: "System status" },
];

/** Full-page screenshots to look at, in test-results/screenshots/ (not compared). */
async function capture(page: Page, testInfo: TestInfo, file: string) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: path.join(testInfo.project.outputDir, "screenshots", file),
    fullPage: true,
  });
}

test.describe("screenshots at desktop width", () => {
  for (const { name, url, heading } of pages) {
    test(`${name} page`, async ({ page }, testInfo) => {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await capture(page, testInfo, `${name}-desktop.png`);
    });
  }
});

test.describe("screenshots at mobile width", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  for (const { name, url, heading } of pages) {
    test(`${name} page`, async ({ page }, testInfo) => {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await capture(page, testInfo, `${name}-mobile.png`);
    });
  }
});
