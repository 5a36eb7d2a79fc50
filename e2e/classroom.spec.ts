import { expect, test } from "@playwright/test";
import { demo, openFromAgenda, shot, signIn } from "./support";

test("a teacher starts a class, the waiting student is let in, and ending it shows the end screen", async ({
  page,
  browser,
}) => {
  const problems: string[] = [];
  await signIn(page, demo("teacher"));
  await page.getByRole("link", { name: "Courses" }).click();
  const course = `Optics ${Date.now()}`;
  await page.getByLabel("Title").fill(course);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: course })).toBeVisible();
  const title = `${course}: lenses`;
  await page.getByRole("textbox", { name: "Title" }).first().fill(title);
  const start = new Date(Date.now() + 86_400_000);
  await page.getByLabel("Starts at").fill(`${start.toISOString().slice(0, 10)}T10:00`);
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("Class scheduled.")).toBeVisible();
  await page.getByLabel("Sam Student").check();
  await page.getByRole("button", { name: "Enrol selected" }).click();
  await expect(page.getByText("Roster updated.")).toBeVisible();

  // The student arrives first and waits.
  const student = await (await browser.newContext()).newPage();
  student.on("pageerror", (error) => problems.push(error.message));
  await signIn(student, demo("student1"));
  await openFromAgenda(student, title);
  await expect(student.getByRole("heading", { name: "Waiting for your teacher" })).toBeVisible();
  await shot(student, "class-waiting-room");

  // The teacher starts the class; no LiveKit here, and the page says so.
  page.on("pageerror", (error) => problems.push(error.message));
  await openFromAgenda(page, title);
  await expect(page.getByRole("heading", { name: "Ready when you are" })).toBeVisible();
  await page.getByRole("button", { name: "Start class" }).click();
  await expect(page.getByText("● Live")).toBeVisible();
  await expect(
    page.getByRole("heading", { name: "Audio and video are not configured on this server" }),
  ).toBeVisible();

  // The waiting student is let in without reloading, and both see each other.
  await expect(student.getByText("● Live")).toBeVisible();
  const studentPeople = student.getByRole("region", { name: /In class/ });
  await expect(studentPeople.getByText("Sam Student")).toBeVisible();
  await expect(studentPeople.getByText("Host")).toBeVisible();
  await expect(
    page.getByRole("region", { name: /In class/ }).getByText("Sam Student"),
  ).toBeVisible();
  await shot(page, "class-live-teacher");
  await shot(student, "class-live-student");

  // Students cannot end the class; the host can.
  await expect(student.getByRole("button", { name: "End class" })).toHaveCount(0);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "End class" }).click();
  await expect(page.getByRole("heading", { name: "Class ended" })).toBeVisible();
  await expect(student.getByRole("heading", { name: "Class ended" })).toBeVisible();
  await shot(student, "class-ended-student");
  await student.getByRole("link", { name: "Back to my classes" }).click();
  await expect(student).toHaveURL(/\/s\/demo\/agenda$/);
  expect(problems).toEqual([]);
});

test("without LiveKit, the host records their microphone from the browser", async ({ page }) => {
  await signIn(page, demo("teacher"));
  await page.getByRole("link", { name: "Courses" }).click();
  const course = `Acoustics ${Date.now()}`;
  await page.getByLabel("Title").fill(course);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: course })).toBeVisible();
  const title = `${course}: echoes`;
  await page.getByRole("textbox", { name: "Title" }).first().fill(title);
  const start = new Date(Date.now() + 86_400_000);
  await page.getByLabel("Starts at").fill(`${start.toISOString().slice(0, 10)}T09:00`);
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("Class scheduled.")).toBeVisible();
  await openFromAgenda(page, title);
  await page.getByRole("button", { name: "Start class" }).click();
  await page.getByRole("button", { name: "Record" }).click();
  await expect(page.getByText("● Recording")).toBeVisible();
  await expect(page.getByText(/Recording your microphone/)).toBeVisible();
  // MediaRecorder hands over a chunk every five seconds; wait for one to upload.
  await expect(page.getByText(/Recording your microphone: 1 of 1 parts uploaded/)).toBeVisible({
    timeout: 15_000,
  });
  await shot(page, "class-recording");
  await page.getByRole("button", { name: "Stop recording" }).click();
  await expect(page.getByText("The recording was saved.")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("● Recording")).toHaveCount(0);
});
