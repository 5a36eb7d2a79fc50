import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "../db/seed";
import { connect } from "./support/fixtures";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

let app: TestApp;
const owner = connect(inject("ownerDatabaseUrl"), 2);
beforeAll(async () => {
  app = await startWebApp();
});
afterAll(async () => {
  await app.close();
  await owner.close();
});

const demo = (who: string) => `${who}@demo.lectern.test`;
async function as(who: string) {
  const browser = new Browser(app.url);
  await browser.signIn(demo(who), DEMO_PASSWORD);
  return browser;
}
const tomorrow = () => `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T10:00`;

describe("course and class pages", () => {
  it("lets a teacher create a course, add a lesson, schedule a class once per key, and enrol a student", async () => {
    const teacher = await as("teacher");
    const title = `Course ${randomUUID().slice(0, 6)}`;
    const created = await teacher.post("/s/demo/courses", { title, description: "Stars" });
    const coursePath = created.headers.get("location")!;
    expect(coursePath).toMatch(/^\/s\/demo\/courses\/[0-9a-f-]{36}$/);
    expect((await teacher.post(coursePath, { intent: "lesson", title: "Nebulae" })).status).toBe(
      200,
    );

    const form = {
      intent: "schedule",
      idempotencyKey: `schedule-${randomUUID()}`,
      title: `Live ${title}`,
      startsAt: tomorrow(),
      durationMinutes: "45",
      timeZone: "Europe/Paris",
    };
    const [first, second] = await Promise.all([
      teacher.post(coursePath, form),
      teacher.post(coursePath, form),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const { rows } = await owner.pool.query("select id, starts_at from sessions where title = $1", [
      `Live ${title}`,
    ]);
    expect(rows).toHaveLength(1);
    // 10:00 in Paris is 08:00 or 09:00 UTC depending on the season.
    expect([8, 9]).toContain(new Date(rows[0].starts_at).getUTCHours());

    const sam = await owner.pool.query<{ id: string }>("select id from users where email = $1", [
      demo("student1"),
    ]);
    expect(
      (await teacher.post(coursePath, { intent: "enroll", userIds: sam.rows[0]!.id })).status,
    ).toBe(200);
    const student = await as("student1");
    expect(await (await student.get("/s/demo/agenda")).text()).toContain(`Live ${title}`);
    expect(await (await teacher.get("/s/demo/agenda")).text()).toContain(`Live ${title}`);
  });

  it("explains invalid class details next to the fields", async () => {
    const teacher = await as("teacher");
    const created = await teacher.post("/s/demo/courses", {
      title: `Bad ${randomUUID().slice(0, 6)}`,
    });
    const response = await teacher.post(created.headers.get("location")!, {
      intent: "schedule",
      title: "",
      startsAt: "whenever",
      durationMinutes: "1",
      timeZone: "Atlantis/Capital",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    for (const message of [
      "Give the class a title",
      "Choose a start date and time",
      "at least 5 minutes",
      "valid time zone",
    ]) {
      expect(html).toContain(message);
    }
  });

  it("refuses students the teacher forms, and other schools the course", async () => {
    const teacher = await as("teacher");
    const created = await teacher.post("/s/demo/courses", {
      title: `Locked ${randomUUID().slice(0, 6)}`,
    });
    const coursePath = created.headers.get("location")!;
    const student = await as("student2");
    expect((await student.get(coursePath)).status).toBe(200);
    const attempt = await student.post(coursePath, {
      intent: "schedule",
      title: "Sneaky",
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
    });
    expect(attempt.status).toBe(403);
    expect((await student.post("/s/demo/courses", { title: "Mine now" })).status).toBe(403);
    // The same course id through another school's path: not found.
    const riverside = await as("admin");
    expect((await riverside.get(coursePath.replace("/s/demo/", "/s/riverside/"))).status).toBe(404);
  });
});

describe("calendar export", () => {
  it("downloads the member's classes as .ics, and serves the subscription link without a session", async () => {
    const teacher = await as("teacher");
    const created = await teacher.post("/s/demo/courses", {
      title: `Cal ${randomUUID().slice(0, 6)}`,
    });
    const title = `Calendar class ${randomUUID().slice(0, 6)}`;
    await teacher.post(created.headers.get("location")!, {
      intent: "schedule",
      title,
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
    });
    const download = await teacher.get("/s/demo/agenda.ics");
    expect(download.headers.get("content-type")).toMatch(/^text\/calendar/);
    const ics = await download.text();
    expect(ics).toContain(`SUMMARY:${title}`);

    const agenda = await (await teacher.get("/s/demo/agenda")).text();
    const link = /(http:\/\/127\.0\.0\.1:\d+\/calendar\/[A-Za-z0-9_.-]+)/.exec(agenda)![1]!;
    const feed = await fetch(link);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`SUMMARY:${title}`);
    const forged = await fetch(link.replace(/.$/, (c) => (c === "A" ? "B" : "A")));
    expect(forged.status).toBe(404);
    expect(await forged.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("moving a class", () => {
  it("moves a scheduled class to a new time and records session.updated", async () => {
    const teacher = await as("teacher");
    const created = await teacher.post("/s/demo/courses", {
      title: `Move ${randomUUID().slice(0, 6)}`,
    });
    const coursePath = created.headers.get("location")!;
    const title = `Movable ${randomUUID().slice(0, 6)}`;
    await teacher.post(coursePath, {
      intent: "schedule",
      title,
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
    });
    const { rows } = await owner.pool.query<{ id: string }>(
      "select id from sessions where title = $1",
      [title],
    );
    const sessionId = rows[0]!.id;
    const later = tomorrow().replace("T10:00", "T15:30");
    const moved = await teacher.post(coursePath, {
      intent: "reschedule",
      sessionId,
      idempotencyKey: `move-${randomUUID()}`,
      title,
      startsAt: later,
      durationMinutes: "90",
      timeZone: "UTC",
    });
    expect(moved.status).toBe(200);
    const after = await owner.pool.query("select starts_at, ends_at from sessions where id = $1", [
      sessionId,
    ]);
    expect(new Date(after.rows[0].starts_at).toISOString()).toBe(`${later}:00.000Z`);
    const events = await owner.pool.query(
      "select type from session_state_events where session_id = $1 order by sequence",
      [sessionId],
    );
    expect(events.rows.map((r) => r.type)).toEqual(["session.scheduled", "session.updated"]);
  });
});

describe("editing and archiving courses and lessons", () => {
  async function newCourse(teacher: Browser) {
    const title = `Course ${randomUUID().slice(0, 6)}`;
    const created = await teacher.post("/s/demo/courses", { title, description: "First" });
    return { title, path: created.headers.get("location")! };
  }
  const courseRow = async (path: string) =>
    (
      await owner.pool.query("select title, description, archived_at from courses where id = $1", [
        path.split("/").at(-1),
      ])
    ).rows[0];

  it("lets the teacher edit and archive their course, and refuses everyone else", async () => {
    const [teacher, otherTeacher, student] = await Promise.all([
      as("teacher"),
      as("coteacher"),
      as("student1"),
    ]);
    const { path } = await newCourse(teacher);
    const edit = { intent: "edit-course", title: "Renamed course", description: "Better words" };
    expect((await otherTeacher.post(path, edit)).status).toBe(403);
    expect((await student.post(path, edit)).status).toBe(403);
    expect((await otherTeacher.post(path, { intent: "archive-course" })).status).toBe(403);
    expect(await courseRow(path)).toMatchObject({ description: "First", archived_at: null });

    expect((await teacher.post(path, edit)).status).toBe(200);
    expect(await courseRow(path)).toMatchObject({ title: "Renamed course" });
    const invalid = await teacher.post(path, { intent: "edit-course", title: " " });
    expect(invalid.status).toBe(400);

    expect((await teacher.post(path, { intent: "archive-course" })).status).toBe(200);
    expect((await courseRow(path)).archived_at).not.toBeNull();
    const list = await (await teacher.get("/s/demo/courses")).text();
    expect(list).not.toContain("Renamed course");
    const archived = await (await teacher.get("/s/demo/courses?archived=1")).text();
    expect(archived).toContain("Renamed course");

    // No new classes in an archived course.
    const schedule = await teacher.post(path, {
      intent: "schedule",
      title: "Too late",
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
    });
    expect(schedule.status).toBe(409);
    expect((await teacher.post(path, { intent: "restore-course" })).status).toBe(200);
    expect((await courseRow(path)).archived_at).toBeNull();
  });

  it("edits, reorders and archives lessons", async () => {
    const teacher = await as("teacher");
    const { path } = await newCourse(teacher);
    for (const title of ["Alpha", "Beta", "Gamma"]) {
      await teacher.post(path, { intent: "lesson", title });
    }
    const lessons = async () =>
      (
        await owner.pool.query<{ id: string; title: string }>(
          `select id, title from lessons where course_id = $1 and archived_at is null
            order by position, created_at`,
          [path.split("/").at(-1)],
        )
      ).rows;
    const [alpha, , gamma] = await lessons();
    expect(
      (await teacher.post(path, { intent: "move-lesson", lessonId: gamma!.id, direction: "up" }))
        .status,
    ).toBe(200);
    expect((await lessons()).map((l) => l.title)).toEqual(["Alpha", "Gamma", "Beta"]);
    await teacher.post(path, { intent: "edit-lesson", lessonId: alpha!.id, title: "Alpha 2" });
    await teacher.post(path, { intent: "archive-lesson", lessonId: gamma!.id });
    expect((await lessons()).map((l) => l.title)).toEqual(["Alpha 2", "Beta"]);
    const page = await (await teacher.get(path)).text();
    expect(page).toContain("Alpha 2");
    expect(page).not.toContain("Gamma");
    const student = await as("student1");
    expect(
      (await student.post(path, { intent: "archive-lesson", lessonId: alpha!.id })).status,
    ).toBe(403);
  });
});
