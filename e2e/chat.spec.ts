import { expect, test } from "@playwright/test";
import { liveClassWithStudent, shot } from "./support";

test("teacher and student chat both ways; markup and javascript: links stay inert; a teacher removes a message", async ({
  page: teacher,
  browser,
}) => {
  const { student, problems } = await liveClassWithStudent(teacher, browser, "Chemistry");
  student.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });

  const say = async (page: typeof teacher, text: string) => {
    await page.getByLabel("Message", { exact: true }).fill(text);
    await page.getByLabel("Message", { exact: true }).press("Enter");
  };
  const hostile = `Welcome <img src=x onerror="alert(1)"><script>alert(2)</script>`;
  await say(teacher, hostile);
  const studentChat = student.getByRole("list", { name: "Messages" });
  await expect(studentChat.getByText(hostile)).toBeVisible();
  expect(await studentChat.locator("img, script").count()).toBe(0);

  await say(student, "Is javascript:alert(3) a link? Notes at https://example.org/notes");
  const teacherChat = teacher.getByRole("list", { name: "Messages" });
  await expect(teacherChat.getByText(/Notes at/)).toBeVisible();
  const links = teacherChat.getByRole("link");
  await expect(links).toHaveCount(1);
  await expect(links).toHaveAttribute("href", "https://example.org/notes");
  await expect(links).toHaveAttribute("rel", /noopener/);

  await student.getByLabel("Send to").selectOption("teachers");
  await say(student, "A private question for you");
  await expect(teacherChat.getByText("A private question for you")).toBeVisible();
  await shot(teacher, "chat-teacher");

  await teacher.getByRole("button", { name: /^Delete message: Welcome/ }).click();
  await expect(studentChat.getByText("Message removed by a teacher.")).toBeVisible();
  await expect(student.getByRole("button", { name: /^Delete message/ })).toHaveCount(0);
  await shot(student, "chat-student");

  // The host closes the chat to students; the student's panel says so.
  await teacher.getByRole("button", { name: "Close chat for students" }).click();
  await expect(student.getByText("Your teacher has closed the chat for now.")).toBeVisible();
  await teacher.getByRole("button", { name: "Open chat to students" }).click();
  await expect(student.getByLabel("Message", { exact: true })).toBeVisible();
  expect(problems).toEqual([]);
});
