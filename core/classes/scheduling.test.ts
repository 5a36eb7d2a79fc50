import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tenants, userRoles, users } from "../../db/schema";
import { withTenant } from "../../db/tenantContext";
import { connect } from "../../tests/support/fixtures";
import type { Actor, TenantRole } from "../identity/permissions";
import { PermissionDeniedError } from "../identity/permissions";
import {
  addLesson,
  agenda,
  cancelSession,
  createCourse,
  enrollStudents,
  rescheduleSession,
  scheduleSession,
} from "./scheduling";
import { zonedTimeToInstant } from "./schedulingForms";

const app = connect(inject("databaseUrl"), 5);
const owner = connect(inject("ownerDatabaseUrl"), 2);
const deps = { db: app.db, pool: app.pool };
afterAll(() => Promise.all([app.close(), owner.close()]));

let school: { id: string };
const people: Record<string, Actor> = {};

async function person(name: string, role: TenantRole): Promise<Actor> {
  const [user] = await app.db
    .insert(users)
    .values({ name, email: `${name}-${randomUUID().slice(0, 8)}@sched.test` })
    .returning();
  await withTenant(app.db, school.id, (tx) =>
    tx.insert(userRoles).values({ tenantId: school.id, userId: user!.id, role }),
  );
  return { userId: user!.id, tenantId: school.id, tenantRole: role };
}

beforeAll(async () => {
  const slug = `sched-${randomUUID().slice(0, 8)}`;
  const [created] = await app.db.insert(tenants).values({ name: slug, slug }).returning();
  school = created!;
  people.admin = await person("admin", "admin");
  people.teacher = await person("teacher", "teacher");
  people.other = await person("other-teacher", "teacher");
  people.student = await person("student", "student");
  people.bystander = await person("bystander", "student");
});

const nextWeek = () => {
  const d = new Date(Date.now() + 3 * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T09:00`;
};

async function eventsOf(sessionId: string) {
  const { rows } = await owner.pool.query(
    "select sequence, type, payload from session_state_events where session_id = $1 order by sequence",
    [sessionId],
  );
  return rows;
}

describe("zonedTimeToInstant", () => {
  it("turns a wall-clock time in a zone into the right instant, daylight saving included", () => {
    expect(zonedTimeToInstant("2027-01-15T09:00", "Europe/Paris").toISOString()).toBe(
      "2027-01-15T08:00:00.000Z",
    );
    expect(zonedTimeToInstant("2027-07-15T09:00", "Europe/Paris").toISOString()).toBe(
      "2027-07-15T07:00:00.000Z",
    );
    // New York moves to daylight saving on 14 March 2027.
    expect(zonedTimeToInstant("2027-03-10T18:30", "America/New_York").toISOString()).toBe(
      "2027-03-10T23:30:00.000Z",
    );
    expect(zonedTimeToInstant("2027-03-15T18:30", "America/New_York").toISOString()).toBe(
      "2027-03-15T22:30:00.000Z",
    );
  });
});

describe("scheduling a class", () => {
  it("creates the class, its host and its session.scheduled event together", async () => {
    const course = await createCourse(deps, people.teacher!, { title: "Optics" });
    const lesson = await addLesson(deps, people.teacher!, course.id, { title: "Lenses" });
    const session = await scheduleSession(deps, people.teacher!, {
      lessonId: lesson.id,
      title: "Lenses, live",
      startsAt: nextWeek(),
      durationMinutes: 45,
      timeZone: "Europe/Paris",
    });
    expect(session).toMatchObject({ status: "scheduled", courseId: course.id, lastEventSeq: 0 });
    expect(session.endsAt.getTime() - session.startsAt.getTime()).toBe(45 * 60_000);
    const events = await eventsOf(session.id);
    expect(events).toMatchObject([
      { sequence: 1, type: "session.scheduled", payload: { title: "Lenses, live" } },
    ]);
    const { rows } = await owner.pool.query(
      "select role from session_participants where session_id = $1 and user_id = $2",
      [session.id, people.teacher!.userId],
    );
    expect(rows).toEqual([{ role: "host" }]);
  });

  it("schedules once per idempotency key, and refuses the key for a different request", async () => {
    const key = `sched-${randomUUID()}`;
    const input = { title: "Retry me", startsAt: nextWeek(), durationMinutes: 30, timeZone: "UTC" };
    const [a, b] = await Promise.all([
      scheduleSession(deps, people.teacher!, input, key),
      scheduleSession(deps, people.teacher!, input, key),
    ]);
    expect(a.id).toBe(b.id);
    const { rows } = await owner.pool.query(
      "select count(*)::int as n from sessions where title = 'Retry me'",
    );
    expect(rows[0].n).toBe(1);
    expect(await eventsOf(a.id)).toHaveLength(1);
    await expect(
      scheduleSession(deps, people.teacher!, { ...input, title: "Something else" }, key),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("rejects bad input with a typed error and writes nothing", async () => {
    await expect(
      scheduleSession(deps, people.teacher!, {
        title: "",
        startsAt: "tomorrow-ish",
        durationMinutes: 2,
        timeZone: "Mars/Olympus",
      }),
    ).rejects.toMatchObject({ name: "ZodError" });
  });
});

describe("who may schedule and change classes", () => {
  it("keeps students from scheduling and teachers from changing another teacher's class", async () => {
    await expect(
      scheduleSession(deps, people.student!, {
        title: "Nope",
        startsAt: nextWeek(),
        durationMinutes: 30,
        timeZone: "UTC",
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    const session = await scheduleSession(deps, people.teacher!, {
      title: "Mine",
      startsAt: nextWeek(),
      durationMinutes: 30,
      timeZone: "UTC",
    });
    await expect(cancelSession(deps, people.other!, session.id)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const moved = await rescheduleSession(deps, people.admin!, session.id, {
      title: "Mine, moved",
      startsAt: nextWeek().replace("T09:00", "T14:00"),
      durationMinutes: 60,
      timeZone: "UTC",
    });
    expect(moved.title).toBe("Mine, moved");
    const cancelled = await cancelSession(deps, people.teacher!, session.id, "Snow day");
    expect(cancelled.status).toBe("cancelled");
    expect((await eventsOf(session.id)).map((e) => e.type)).toEqual([
      "session.scheduled",
      "session.updated",
      "session.cancelled",
    ]);
    await expect(
      rescheduleSession(deps, people.teacher!, session.id, {
        title: "Too late",
        startsAt: nextWeek(),
        durationMinutes: 30,
        timeZone: "UTC",
      }),
    ).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("enrolment and agendas", () => {
  it("enrols only students, and shows the class in the agendas of its host and its students", async () => {
    const course = await createCourse(deps, people.teacher!, { title: "Geometry" });
    const session = await scheduleSession(deps, people.teacher!, {
      courseId: course.id,
      title: "Triangles",
      startsAt: nextWeek(),
      durationMinutes: 30,
      timeZone: "UTC",
    });
    const enrolled = await enrollStudents(
      deps,
      people.teacher!,
      { courseId: course.id },
      {
        userIds: [people.student!.userId, people.other!.userId],
      },
    );
    expect(enrolled).toEqual([people.student!.userId]);
    const inWeek = (actor: Actor) =>
      agenda(deps, actor, { from: new Date(), to: new Date(Date.now() + 8 * 86_400_000) });
    expect((await inWeek(people.teacher!)).map((s) => s.id)).toContain(session.id);
    expect((await inWeek(people.student!)).map((s) => s.id)).toContain(session.id);
    expect((await inWeek(people.bystander!)).map((s) => s.id)).not.toContain(session.id);
    await expect(
      enrollStudents(
        deps,
        people.student!,
        { sessionId: session.id },
        { userIds: [people.bystander!.userId] },
      ),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
