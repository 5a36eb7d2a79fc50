import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { makePdf } from "../tests/support/pdf";
import { demo, openFromAgenda, scheduleClass, shot, signIn } from "./support";

/** A pen stroke across the board, from (fx, fy) to (tx, ty) as fractions of its size. */
async function stroke(page: Page, from: [number, number], to: [number, number]) {
  const board = page.getByRole("img", { name: /^Whiteboard:/ });
  const box = (await board.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) {
    const t = i / 12;
    await page.mouse.move(
      ...at([
        from[0] + (to[0] - from[0]) * t,
        from[1] + (to[1] - from[1]) * t + Math.sin(t * 6) * 0.03,
      ]),
    );
  }
  await page.mouse.up();
}

test("two co-teachers draw at once and a student sees both; the student follows the slides", async ({
  page: host,
  browser,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (m) => {
      // The student's blocked event stream is reported as a failed load; that is expected.
      if (m.type() === "error" && !m.text().includes("Failed to load resource")) {
        problems.push(m.text());
      }
    });
  };
  watch(host);
  await signIn(host, demo("teacher"));
  const title = await scheduleClass(host, "Geometry", { coTeacher: true });

  await openFromAgenda(host, title);
  await host.getByRole("button", { name: "Start class" }).click();
  await expect(host.getByText("● Live")).toBeVisible();

  const co = await (await browser.newContext()).newPage();
  const student = await (await browser.newContext()).newPage();
  watch(co);
  watch(student);
  // The student's page gets no server-sent events at all: what it learns of the
  // class after loading comes over the studio's socket (the sync server's pushes).
  await student.route("**/api/sessions/*/stream*", (route) => route.abort());
  await signIn(student, demo("student1"));
  await openFromAgenda(student, title);
  await expect(student.locator(".studio")).toHaveAttribute("data-scene", "camera");
  await signIn(co, demo("coteacher"));
  await openFromAgenda(co, title);
  await expect(
    student.getByRole("region", { name: /In class/ }).getByText("Cora Coteacher"),
  ).toBeVisible();

  // The host puts the whiteboard on everyone's stage.
  await host.getByRole("radio", { name: "Whiteboard" }).click();
  for (const page of [host, co, student]) {
    await expect(page.locator(".studio")).toHaveAttribute("data-scene", "whiteboard");
  }
  // Students look; they get no drawing tools.
  await expect(student.getByRole("button", { name: "Pen" })).toHaveCount(0);
  await expect(host.getByRole("button", { name: "Pen" })).toHaveAttribute("aria-pressed", "true");

  // Both teachers draw at the same time.
  await Promise.all([stroke(host, [0.1, 0.3], [0.45, 0.35]), stroke(co, [0.55, 0.6], [0.9, 0.7])]);
  await co.getByRole("button", { name: "Rectangle" }).click();
  await stroke(co, [0.2, 0.6], [0.4, 0.85]);
  const studentBoard = student.getByRole("img", { name: /^Whiteboard:/ });
  await expect(studentBoard).toHaveAttribute("data-shapes", "3");
  await expect(host.getByRole("img", { name: /^Whiteboard:/ })).toHaveAttribute("data-shapes", "3");
  await shot(student, "studio-whiteboard-student");
  await shot(co, "studio-whiteboard-coteacher");

  // Undo takes back only the co-teacher's own last shape.
  await co.getByRole("button", { name: "Undo" }).click();
  await expect(studentBoard).toHaveAttribute("data-shapes", "2");

  // The board exports as SVG (and PNG) with what is on it.
  const [svg] = await Promise.all([
    student.waitForEvent("download"),
    student.getByRole("button", { name: "SVG" }).click(),
  ]);
  expect(svg.suggestedFilename()).toBe("Whiteboard.svg");
  const drawing = await readFile(await svg.path(), "utf8");
  expect(drawing).toContain("<svg");
  expect(drawing.match(/data-shape="/g)).toHaveLength(2);
  const [png] = await Promise.all([
    student.waitForEvent("download"),
    student.getByRole("button", { name: "PNG" }).click(),
  ]);
  expect(png.suggestedFilename()).toBe("Whiteboard.png");

  // Slides: the host adds a deck and moves on; the student follows.
  await host.getByRole("radio", { name: "Slides + camera" }).click();
  await expect(student.locator(".studio")).toHaveAttribute("data-scene", "slides");
  await expect(student.getByText("Your teacher hasn't shared slides yet.")).toBeVisible();
  await host.locator("#deck-file").setInputFiles({
    name: "Triangles.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from(makePdf(3)),
  });
  await expect(host.getByText("Slide 1 of 3")).toBeVisible();
  await expect(student.getByText("Slide 1 of 3")).toBeVisible();
  await host.getByRole("button", { name: "Next →" }).click();
  await expect(student.getByText("Slide 2 of 3")).toBeVisible();
  const slide = student.getByRole("img", { name: "Triangles.pdf, slide 2: 0 shapes" });
  await expect(slide.locator("image[data-slide]")).toHaveCount(1);
  await expect(host.locator("image[data-slide]")).toHaveCount(1);
  await expect(host.getByRole("button", { name: "Slide 3" })).toBeVisible();
  await student.waitForTimeout(500); // the slide image paints once decoded
  await shot(host, "studio-slides-host");
  await shot(student, "studio-slides-student");

  // The host adds a scene of their own; everyone can be switched to it.
  await host.getByRole("button", { name: "Edit scenes" }).click();
  await host.getByLabel("New scene name").fill("Quiz time");
  await host.getByLabel("Layout").selectOption("whiteboard");
  await host.getByRole("button", { name: "Add scene" }).click();
  await host.getByRole("button", { name: "Move Quiz time up" }).click();
  await host.getByRole("button", { name: "Done" }).click();
  await host.getByRole("radio", { name: "Quiz time" }).click();
  await expect(student.getByText("Scene: Quiz time")).toBeVisible();
  await expect(co.getByRole("radio", { name: "Quiz time" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  const order = await co
    .getByRole("radiogroup", { name: "Scene for everyone" })
    .getByRole("radio")
    .allTextContents();
  expect(order.slice(-2)).toEqual(["Quiz time", "Screen share"]);
  await host.getByRole("radio", { name: "Slides + camera" }).click();

  // A student may browse on their own and jump back to the live slide.
  await student.getByRole("button", { name: "Slide 3" }).click();
  await expect(student.getByText("Slide 3 of 3")).toBeVisible();
  await student.getByRole("button", { name: /Jump back to live/ }).click();
  await expect(student.getByText("Slide 2 of 3")).toBeVisible();

  expect(problems).toEqual([]);
});
