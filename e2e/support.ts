import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";

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

/** Open a class from "My classes" (Open for teachers, Join for students). */
export async function openFromAgenda(page: Page, title: string) {
  await page.getByRole("link", { name: "My classes" }).click();
  await page.getByRole("link", { name: new RegExp(`^(Open|Join) ${title}$`) }).click();
  await expect(page).toHaveURL(/\/class\/[0-9a-f-]{36}$/);
}

/**
 * As the signed-in teacher: a new course with a class tomorrow, Sam Student
 * enrolled (and Cora Coteacher co-teaching when asked). Returns the class title.
 */
export async function scheduleClass(
  page: Page,
  name: string,
  options: { coTeacher?: boolean } = {},
): Promise<string> {
  await page.getByRole("link", { name: "Courses" }).click();
  const course = `${name} ${Date.now()}`;
  await page.getByLabel("Title").fill(course);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: course })).toBeVisible();
  const title = `${course}: first class`;
  await page.getByRole("textbox", { name: "Title" }).first().fill(title);
  const start = new Date(Date.now() + 86_400_000);
  await page.getByLabel("Starts at").fill(`${start.toISOString().slice(0, 10)}T10:00`);
  if (options.coTeacher) await page.getByLabel("Cora Coteacher").check();
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("Class scheduled.")).toBeVisible();
  await page.getByLabel("Sam Student").check();
  await page.getByRole("button", { name: "Enrol selected" }).click();
  await expect(page.getByText("Roster updated.")).toBeVisible();
  return title;
}

/**
 * The teacher (signed in on `teacher`) schedules and starts a class; Sam
 * Student opens it in a browser context of their own. Page errors of both go
 * to `problems`; `beforeJoin` runs on the student's page before it signs in
 * (e.g. to block a request).
 */
export async function liveClassWithStudent(
  teacher: Page,
  browser: Browser,
  name: string,
  beforeJoin?: (student: Page) => Promise<unknown>,
) {
  const problems: string[] = [];
  teacher.on("pageerror", (error) => problems.push(error.message));
  await signIn(teacher, demo("teacher"));
  const title = await scheduleClass(teacher, name);
  await openFromAgenda(teacher, title);
  await teacher.getByRole("button", { name: "Start class" }).click();
  await expect(teacher.getByText("● Live")).toBeVisible();

  const student = await (await browser.newContext()).newPage();
  student.on("pageerror", (error) => problems.push(error.message));
  await beforeJoin?.(student);
  await signIn(student, demo("student1"));
  await openFromAgenda(student, title);
  return { title, student, problems };
}
