import { expect, test } from "@playwright/test";
import { demo, shot, signIn } from "./support";

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

test("a teacher schedules a class that the enrolled student sees in their agenda", async ({
  page,
  browser,
}) => {
  await signIn(page, demo("teacher"));
  await page.getByRole("link", { name: "Courses" }).click();
  const title = `Telescopes ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("How they gather light.");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  const start = new Date(Date.now() + 86_400_000);
  await page.getByRole("textbox", { name: "Title" }).first().fill(`${title}: first light`);
  await page.getByLabel("Starts at").fill(`${start.toISOString().slice(0, 10)}T10:00`);
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("Class scheduled.")).toBeVisible();
  await expect(
    page.getByRole("cell", { name: `${title}: first light`, exact: true }),
  ).toBeVisible();

  await page.getByLabel("Sam Student").check();
  await page.getByRole("button", { name: "Enrol selected" }).click();
  await expect(page.getByText("Roster updated.")).toBeVisible();
  await shot(page, "course-page");

  const student = await (await browser.newContext()).newPage();
  await signIn(student, demo("student1"));
  await student.getByRole("link", { name: "My classes" }).click();
  await expect(student.getByText(`${title}: first light`)).toBeVisible();
  await shot(student, "agenda-student");
});

test("every signed-in page hydrates without a script error", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
  });
  await signIn(page, demo("admin"));
  for (const path of [
    "/s/demo",
    "/s/demo/agenda",
    "/s/demo/courses",
    "/s/demo/people",
    "/s/demo/audit",
    "/account",
    "/status",
  ]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  await page.goto("/s/demo/courses");
  await page.getByRole("link", { name: "Introduction to Astronomy" }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Introduction to Astronomy" }),
  ).toBeVisible();
  // Client-side navigation works only if the route modules loaded in the browser.
  await page.getByRole("link", { name: "People", exact: true }).click();
  await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
  expect(problems).toEqual([]);
});
