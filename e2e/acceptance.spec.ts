import { expect, test } from "@playwright/test";
import { liveClassWithStudent, shot } from "./support";

/*
 * The product's acceptance scenario (issue 6): a teacher starts a class, a
 * student joins, they chat both ways, the student asks a question and the
 * teacher marks it answered, the teacher runs a poll, the student votes and
 * sees the results. Hands and call-to-action cards ride along.
 */
test("acceptance: chat both ways, a question answered, a poll voted and its results seen, a hand raised, a card shown", async ({
  page: teacher,
  browser,
}) => {
  const { student, problems } = await liveClassWithStudent(teacher, browser, "Biology");

  // Chat both ways.
  const say = async (page: typeof teacher, text: string) => {
    await page.getByLabel("Message", { exact: true }).fill(text);
    await page.getByLabel("Message", { exact: true }).press("Enter");
  };
  await say(teacher, "Good morning, everyone");
  await expect(
    student.getByRole("list", { name: "Messages" }).getByText("Good morning, everyone"),
  ).toBeVisible();
  await say(student, "Morning!");
  await expect(teacher.getByRole("list", { name: "Messages" }).getByText("Morning!")).toBeVisible();

  // A raised hand shows in the teacher's list; the teacher lowers it.
  await student.getByRole("button", { name: "Raise hand" }).click();
  await expect(student.getByRole("button", { name: "Lower hand" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(teacher.getByText("Hand #1")).toBeVisible();
  await teacher.getByRole("button", { name: "Lower Sam Student's hand" }).click();
  await expect(student.getByRole("button", { name: "Raise hand" })).toBeVisible();

  // The student asks a question; the teacher marks it answered; the student sees that.
  await student.getByRole("tab", { name: "Q&A" }).click();
  await student.getByLabel("Your question").fill("Why do cells divide?");
  await student.getByRole("button", { name: "Ask", exact: true }).click();
  await teacher.getByRole("tab", { name: "Q&A" }).click();
  const teacherQuestions = teacher.getByRole("list", { name: "Questions" });
  await expect(teacherQuestions.getByText("Why do cells divide?")).toBeVisible();
  await teacherQuestions.getByRole("button", { name: "Mark answered" }).click();
  const studentQuestions = student.getByRole("list", { name: "Questions" });
  await expect(studentQuestions.getByText("Answered")).toBeVisible();
  // An anonymous question, answered in writing.
  await student.getByLabel("Your question").fill("Is mitosis on the test?");
  await student.getByLabel("Ask anonymously").check();
  await student.getByRole("button", { name: "Ask", exact: true }).click();
  const anonymous = teacherQuestions
    .getByRole("listitem")
    .filter({ hasText: "Is mitosis on the test?" });
  await expect(anonymous.getByText("Anonymous")).toBeVisible();
  await anonymous.getByRole("button", { name: "Answer in writing" }).click();
  await teacher.getByLabel("Your answer").fill("Yes, chapter 4.");
  await teacher.getByRole("button", { name: "Post answer" }).click();
  await expect(studentQuestions.getByText("Yes, chapter 4.")).toBeVisible();
  await shot(student, "qa-student");
  await shot(teacher, "qa-teacher");

  // The teacher runs a poll; the student votes and sees the results once shared.
  await teacher.getByRole("tab", { name: "Polls" }).click();
  await teacher.getByRole("button", { name: "New poll" }).click();
  await teacher.getByLabel("Poll question").fill("Which organelle makes energy?");
  await teacher.getByLabel("Option 1", { exact: true }).fill("Nucleus");
  await teacher.getByLabel("Option 2", { exact: true }).fill("Mitochondria");
  await teacher.getByRole("button", { name: "Start poll" }).click();
  await student.getByRole("tab", { name: "Polls" }).click();
  await student.getByRole("radio", { name: "Mitochondria" }).check();
  await student.getByRole("button", { name: "Vote" }).click();
  await expect(student.getByText(/Your answer is in/)).toBeVisible();
  // The teacher's bars move live.
  await expect(teacher.getByText("1 person voted")).toBeVisible();
  await expect(teacher.getByRole("meter", { name: "Mitochondria: 100%" })).toBeVisible();
  await teacher.getByRole("button", { name: "Close and share results" }).click();
  await expect(student.getByRole("meter", { name: "Mitochondria: 100%" })).toBeVisible();
  await expect(student.getByText("1 person voted")).toBeVisible();
  await shot(student, "poll-student");
  await shot(teacher, "poll-teacher");

  // A call-to-action card with a server-drawn QR code reaches the student.
  await teacher.getByRole("tab", { name: "Cards" }).click();
  await teacher.getByLabel("Title").fill("Lab sign-up");
  await teacher.getByLabel("Text (optional)").fill("Pick a lab slot for Thursday");
  await teacher.getByLabel("Link").fill("https://example.edu/labs");
  await teacher.getByRole("button", { name: "Show card" }).click();
  const card = student.getByTestId("cta-card");
  await expect(card.getByRole("heading", { name: "Lab sign-up" })).toBeVisible();
  const qr = card.getByRole("img", { name: /QR code/ });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await shot(student, "cta-student");
  await student.setViewportSize({ width: 390, height: 844 });
  await shot(student, "class-phone");
  await teacher.getByRole("button", { name: "Hide card" }).click();
  await expect(student.getByTestId("cta-card")).toHaveCount(0);

  expect(problems).toEqual([]);
});

test("a card whose QR code cannot load falls back to a plain card with the link", async ({
  page: teacher,
  browser,
}) => {
  const { student } = await liveClassWithStudent(teacher, browser, "Geography", (page) =>
    page.route("**/qr.svg", (route) => route.abort()),
  );

  await teacher.getByRole("tab", { name: "Cards" }).click();
  await teacher.getByLabel("Title").fill("Field trip form");
  await teacher.getByLabel("Link").fill("https://example.edu/trip");
  await teacher.getByRole("button", { name: "Show card" }).click();
  const fallback = student.getByTestId("cta-static");
  await expect(fallback.getByRole("link", { name: "https://example.edu/trip" })).toBeVisible();
  await expect(student.getByTestId("cta-card")).toHaveCount(0);
});

test("when Q&A fails, its panel says so and chat goes on", async ({ page: teacher, browser }) => {
  const { student, problems } = await liveClassWithStudent(teacher, browser, "History", (page) =>
    page.route("**/questions**", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "unavailable", message: "down" } }),
      }),
    ),
  );
  await student.getByRole("tab", { name: "Q&A" }).click();
  await expect(student.getByText(/Q&A is unavailable right now/)).toBeVisible();
  await student.getByRole("tab", { name: "Chat" }).click();
  await student.getByLabel("Message", { exact: true }).fill("Still here");
  await student.getByLabel("Message", { exact: true }).press("Enter");
  await expect(
    teacher.getByRole("list", { name: "Messages" }).getByText("Still here"),
  ).toBeVisible();
  expect(problems).toEqual([]);
});
