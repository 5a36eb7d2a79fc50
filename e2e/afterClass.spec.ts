import { expect, test, type Page } from "@playwright/test";
import { liveClassWithStudent, shot } from "./support";

/*
 * "After class": the e2e server runs the jobs role (ROLE=all), so the real
 * pipeline works the class once it ends. A class without a recording skips
 * audio and transcript and says why; everything else gets done.
 */

const STAGES = [
  "Audio",
  "Transcript",
  "Alignment",
  "Chapters",
  "Highlights",
  "Summary",
  "Captions",
];

/** Every stage of the version shown in use has finished (done or skipped). */
async function finished(page: Page, version: number) {
  const panel = page.getByRole("region", { name: "After class" });
  const list = panel.getByRole("list", { name: `Version ${version}, done` });
  await expect(list).toBeVisible({ timeout: 60_000 });
  await expect(list.getByRole("listitem")).toHaveCount(7);
  await expect(list.locator('[data-status="succeeded"], [data-status="skipped"]')).toHaveCount(7);
  // Nothing runs any more: no progress bar, no second version beside it.
  await expect(panel.getByRole("progressbar")).toHaveCount(0);
  await expect(panel.getByRole("list")).toHaveCount(1);
  return { panel, list };
}

async function noOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the teacher sees the stages finish after class and re-runs them; the student sees none of it", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const { title, student, problems } = await liveClassWithStudent(page, browser, "After class");
  await expect(student.getByRole("button", { name: "Leave" })).toBeVisible();

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "End class" }).click();
  await expect(page.getByRole("heading", { name: "Class ended" })).toBeVisible();

  const { panel, list } = await finished(page, 1);
  await expect(list.getByRole("listitem")).toHaveText(STAGES.map((s) => new RegExp(`^${s}`)));
  await expect(list.locator('[data-kind="transcript"]')).toContainText(
    "No recording was made, so there is no transcript.",
  );
  await expect(list.locator('[data-kind="chapters"]')).toContainText("Done");

  // The student's end screen has no pipeline panel at all.
  await expect(student.getByRole("heading", { name: "Class ended" })).toBeVisible();
  await expect(student.getByRole("region", { name: "After class" })).toHaveCount(0);
  await expect(student.getByRole("button", { name: "Re-run" })).toHaveCount(0);

  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await noOverflow(page);
    await shot(page, `after-class-teacher-${width}x${height}`);
  }
  await page.setViewportSize({ width: 1280, height: 720 });

  // Re-run from the keyboard: the confirmation takes the focus; Escape backs out.
  const rerun = panel.getByRole("button", { name: "Re-run" });
  await rerun.focus();
  await page.keyboard.press("Enter");
  const confirm = panel.getByRole("button", { name: "Yes, re-run" });
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(rerun).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Enter");

  // Version 2 runs beside version 1, then replaces it.
  await expect(panel.getByText(/^Re-run 2/)).toBeVisible();
  await finished(page, 2);
  await expect(panel.getByText(/^Re-run 2/)).toHaveCount(0);
  await shot(page, "after-class-teacher-rerun-done");
  await shot(student, "after-class-student");

  // The course page's past classes open the same panel.
  await page.getByRole("link", { name: "Back to my classes" }).click();
  await page.getByRole("link", { name: "Courses" }).click();
  await page.getByRole("link", { name: title.replace(/: first class$/, "") }).click();
  const toggle = page.getByRole("button", { name: `After class ${title}` });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await finished(page, 2);
  await page.setViewportSize({ width: 390, height: 844 });
  await noOverflow(page);
  await shot(page, "after-class-course-390x844");
  expect(problems).toEqual([]);
});
