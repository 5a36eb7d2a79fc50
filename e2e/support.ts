import path from "node:path";
import { expect, type Page } from "@playwright/test";

/** The demo school's people (seeded by the e2e server) share this password. */
export const PASSWORD = "lectern-demo-2026";
export const demo = (who: string) => `${who}@demo.lectern.test`;

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/s\/[a-z-]+$/);
}

/** A full-page screenshot in test-results/screenshots, to look at the pages. */
export async function shot(page: Page, name: string) {
  await page.screenshot({
    path: path.join("test-results", "screenshots", `${name}.png`),
    fullPage: true,
  });
}
