import path from "node:path";
import { expect, test, type Page } from "@playwright/test";

const PASSWORD = "lectern-demo-2026";
const demo = (who: string) => `${who}@demo.lectern.test`;

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/s\/[a-z-]+$/);
}

async function shot(page: Page, name: string) {
  await page.screenshot({
    path: path.join("test-results", "screenshots", `${name}.png`),
    fullPage: true,
  });
}

test("an admin invites a teacher, who signs up from the emailed link", async ({
  page,
  browser,
}) => {
  await signIn(page, demo("admin"));
  await page.getByRole("link", { name: "People", exact: true }).click();
  await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
  await shot(page, "people-admin");
  const email = `invited-${Date.now()}@demo.lectern.test`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("teacher");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();

  // Without SMTP the mail waits in the outbox page.
  await page.goto("/dev/mail");
  const link = await page
    .getByRole("listitem")
    .filter({ hasText: email })
    .first()
    .getByRole("link")
    .first()
    .getAttribute("href");
  expect(link).toContain("/invitations/");

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(new URL(link!).pathname);
  await expect(invitee.getByRole("heading", { name: "Join Demo School" })).toBeVisible();
  await invitee.getByRole("link", { name: "Create my account" }).click();
  await invitee.getByLabel("Your name").fill("Ivy Invited");
  await expect(invitee.getByLabel("Email")).toHaveValue(email);
  await invitee.getByLabel("Password", { exact: true }).fill("ivy-password-123");
  await invitee.getByLabel("Password again").fill("ivy-password-123");
  await shot(invitee, "sign-up-invitation");
  await invitee.getByRole("button", { name: "Create account and join" }).click();
  await expect(invitee).toHaveURL(/\/s\/demo$/);
  await expect(invitee.getByText("You are a teacher here.")).toBeVisible();
});

test("a person in two schools switches between them", async ({ page }) => {
  await signIn(page, demo("teacher"));
  await page.getByLabel("Switch school").click();
  await page.getByRole("link", { name: "Riverside Evening School" }).click();
  await expect(page).toHaveURL(/\/s\/riverside$/);
  await expect(
    page.getByRole("heading", { level: 1, name: "Riverside Evening School" }),
  ).toBeVisible();
  await shot(page, "school-switcher");
});

test("an admin changes a role and finds it in the audit log", async ({ page }) => {
  await signIn(page, demo("admin"));
  await page.goto("/s/demo/people");
  await page.getByLabel("Role of Sol Student").selectOption("teacher");
  await page
    .getByRole("row", { name: /Sol Student/ })
    .getByRole("button", { name: "Save role" })
    .click();
  await expect(page.getByText("Role updated.")).toBeVisible();
  await page.getByRole("link", { name: "Audit log" }).click();
  const row = page.getByRole("row").filter({ hasText: "member.role_changed" }).first();
  await expect(row).toContainText("Ada Admin");
  await expect(row).toContainText("Sol Student");
  await expect(row).toContainText("student");
  await expect(row).toContainText("teacher");
  await shot(page, "audit-log");
});

test("a student cannot open the admin pages", async ({ page }) => {
  await signIn(page, demo("student1"));
  await expect(page.getByRole("link", { name: "People", exact: true })).toHaveCount(0);
  await page.goto("/s/demo/people");
  await expect(page.getByRole("heading", { name: "You don't have access to this" })).toBeVisible();
  await page.goto("/s/demo/audit");
  await expect(page.getByRole("heading", { name: "You don't have access to this" })).toBeVisible();
});

test("the sign-in page explains a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(demo("admin"));
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("don't match");
  await shot(page, "sign-in-error");
});
