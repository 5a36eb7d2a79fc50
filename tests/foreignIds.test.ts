import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Card } from "../core/interaction/ctas";
import { appendInteraction } from "../core/interaction/interaction";
import type { Actor } from "../core/identity/permissions";
import type { Poll } from "../core/interaction/polls";
import type { Question } from "../core/interaction/questions";
import { enrollStudents } from "../core/classes/scheduling";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

/*
 * Issue 12, item 9: a command that names a thing of another class or another
 * school is not found (404), and appends nothing to the class's log.
 */

const harness = classroomHarness();
const { owner } = harness;

const key = () => `test-${randomUUID()}`;

async function eventCount(sessionId: string): Promise<number> {
  const { rows } = await owner.pool.query<{ n: number }>(
    "select count(*)::int as n from session_state_events where session_id = $1",
    [sessionId],
  );
  return rows[0]!.n;
}

async function call<T>(who: Browser, path: string, init: Parameters<Browser["api"]>[1] = {}) {
  const response = await who.api(path, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Someone who is a member of the second school only. */
async function riversideStudent(): Promise<string> {
  const { rows } = await owner.pool.query<{ id: string }>(
    "insert into users (name, email, email_verified) values ($1, $2, true) returning id",
    ["Rita Riverside", `rita-${randomUUID().slice(0, 8)}@riverside.lectern.test`],
  );
  const id = rows[0]!.id;
  await owner.pool.query(
    `insert into user_roles (tenant_id, user_id, role)
       select id, $1, 'student' from tenants where slug = 'riverside'`,
    [id],
  );
  return id;
}

/**
 * Two live classes of the demo school, A (student1, student2) and B (student3),
 * each with a card shown, a chat message, a question and an open poll in B.
 */
async function twoClasses() {
  const a = await harness.sync.liveClass(["student1", "student2"]);
  const b = await harness.sync.liveClass(["student3"]);
  const inB = <T>(who: Browser, path: string, json: unknown) =>
    call<T>(who, `/api/sessions/${b.sessionId}${path}`, {
      json,
      headers: { "idempotency-key": key() },
    });
  const card = (
    await inB<{ card: Card }>(b.teacher, "/cards", {
      title: "B's card",
      url: "https://example.edu",
    })
  ).body.card;
  const message = (await inB<{ message: { messageId: string } }>(b.student, "/chat", { body: "B" }))
    .body.message;
  const question = (await inB<{ question: Question }>(b.student, "/questions", { body: "B?" })).body
    .question;
  const poll = (
    await inB<{ poll: Poll }>(b.teacher, "/polls", {
      prompt: "B's poll",
      open: true,
      options: [{ label: "yes" }, { label: "no" }],
    })
  ).body.poll;
  return { a, b, card, message, question, poll, outsider: await riversideStudent() };
}

let classes: Awaited<ReturnType<typeof twoClasses>>;
beforeAll(async () => {
  classes = await twoClasses();
});

/** Send the command in class A; it must answer 404 and leave both classes' logs as they were. */
async function refusedInA(who: Browser, path: string, init: Parameters<Browser["api"]>[1]) {
  const { a, b } = classes;
  const before = [await eventCount(a.sessionId), await eventCount(b.sessionId)];
  const response = await call<{ error: { code: string } }>(
    who,
    `/api/sessions/${a.sessionId}${path}`,
    init,
  );
  expect(response.status, `${path} ${JSON.stringify(init?.json ?? null)}`).toBe(404);
  expect(response.body.error.code).toBe("not_found");
  expect([await eventCount(a.sessionId), await eventCount(b.sessionId)]).toEqual(before);
}

describe("class commands naming a thing of another class or school (real Postgres)", () => {
  it("lowering the hand of someone not in the class is not found", async () => {
    const { a, b, outsider } = classes;
    // In the school but not in this class; in another school; nobody at all.
    for (const userId of [b.studentId, outsider, randomUUID()]) {
      await refusedInA(a.teacher, "/hands", { json: { action: "lower", userId } });
    }
    // Someone of the class whose hand is down: lowering it changes nothing, and says so.
    const down = await call<{ hands: unknown[] }>(a.teacher, `/api/sessions/${a.sessionId}/hands`, {
      json: { action: "lower", userId: a.studentId },
    });
    expect(down).toEqual({ status: 200, body: { hands: [] } });
  });

  it("hiding a card of another class is not found, and leaves that card on its class's screen", async () => {
    const { a, b, card } = classes;
    await refusedInA(a.teacher, `/cards/${card.cardId}`, { method: "DELETE" });
    await refusedInA(a.teacher, `/cards/${randomUUID()}`, { method: "DELETE" });
    const stillShown = await call<{ card: Card | null }>(
      b.teacher,
      `/api/sessions/${b.sessionId}/cards`,
      { method: "GET" },
    );
    expect(stillShown.body.card?.cardId).toBe(card.cardId);

    // A card of this class hidden twice: the second changes nothing (204, no event).
    const own = (
      await call<{ card: Card }>(a.teacher, `/api/sessions/${a.sessionId}/cards`, {
        json: { title: "A's card", url: "https://example.edu/a" },
        headers: { "idempotency-key": key() },
      })
    ).body.card;
    const hide = () =>
      a.teacher.api(`/api/sessions/${a.sessionId}/cards/${own.cardId}`, { method: "DELETE" });
    expect((await hide()).status).toBe(204);
    const after = await eventCount(a.sessionId);
    expect((await hide()).status).toBe(204);
    expect(await eventCount(a.sessionId)).toBe(after);
  });

  it("messages, questions and polls of another class are not found", async () => {
    const { a, message, question, poll } = classes;
    await refusedInA(a.teacher, `/chat/${message.messageId}`, { method: "DELETE" });
    await refusedInA(a.student, `/questions/${question.questionId}`, {
      json: { action: "upvote" },
    });
    await refusedInA(a.teacher, `/questions/${question.questionId}`, {
      json: { action: "answer", answer: "Not yours" },
    });
    await refusedInA(a.teacher, `/polls/${poll.pollId}`, { json: { action: "close" } });
    await refusedInA(a.student, `/polls/${poll.pollId}/votes`, {
      json: { optionIds: [poll.options[0]!.optionId] },
      headers: { "idempotency-key": key() },
    });
  });

  it("muting, or changing the grants of, someone not in the class is not found", async () => {
    const { a, b, outsider } = classes;
    for (const userId of [b.studentId, outsider]) {
      await refusedInA(a.teacher, "/chat/moderation", {
        json: { action: "mute", userId, muted: true },
      });
      await refusedInA(a.teacher, `/participants/${userId}/grants`, {
        json: { grant: "can_draw", granted: true },
      });
    }
  });

  it("an event naming another class's row is refused by its projection, and nothing is appended", async () => {
    const { a, b, card, message, question, poll } = classes;
    const deps = { db: harness.app.database.db, pool: harness.app.database.pool };
    const teacher: Actor = { userId: a.teacherId, tenantId: a.tenantId, tenantRole: "teacher" };
    const student: Actor = { userId: a.studentId, tenantId: a.tenantId, tenantRole: "student" };
    const attempts: [Actor, string, object][] = [
      [teacher, "cta.hidden", { ctaId: card.cardId }],
      [teacher, "chat.deleted", { messageId: message.messageId }],
      [teacher, "question.answered", { questionId: question.questionId, answer: null }],
      [teacher, "question.dismissed", { questionId: question.questionId }],
      [teacher, "question.pinned", { questionId: question.questionId, pinned: true }],
      [student, "question.upvoted", { questionId: question.questionId }],
      [teacher, "poll.closed", { pollId: poll.pollId, resultsShared: true }],
      [teacher, "poll.results_shared", { pollId: poll.pollId }],
      [student, "poll.voted", { pollId: poll.pollId, optionIds: [poll.options[0]!.optionId] }],
    ];
    const before = [await eventCount(a.sessionId), await eventCount(b.sessionId)];
    for (const [actor, type, payload] of attempts) {
      await expect(
        appendInteraction(deps, actor, a.sessionId, [{ type, payload }]),
        type,
      ).rejects.toMatchObject({ code: "not_found" });
    }
    expect([await eventCount(a.sessionId), await eventCount(b.sessionId)]).toEqual(before);
    // Class B's rows are as they were.
    const rows = await owner.pool.query(
      `select (select hidden_at from ctas where id = $1) as hidden,
              (select deleted_at from chat_messages where id = $2) as deleted,
              (select row(status, pinned, upvotes)::text from questions where id = $3) as question,
              (select status from polls where id = $4) as poll,
              (select count(*)::int from poll_votes where poll_id = $4) as votes`,
      [card.cardId, message.messageId, question.questionId, poll.pollId],
    );
    expect(rows.rows[0]).toEqual({
      hidden: null,
      deleted: null,
      question: "(open,f,0)",
      poll: "open",
      votes: 0,
    });
  });
});

describe("school commands naming someone or something of another school or course (real Postgres)", () => {
  const tomorrow = () => `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T10:00`;

  async function course(teacher: Browser, lessons: string[] = []) {
    const created = await teacher.post("/s/demo/courses", { title: `Course ${key()}` });
    const path = created.headers.get("location")!;
    const courseId = path.split("/").at(-1)!;
    for (const title of lessons) await teacher.post(path, { intent: "lesson", title });
    const { rows } = await owner.pool.query<{ id: string }>(
      "select id from lessons where course_id = $1 order by position",
      [courseId],
    );
    return { path, courseId, lessonIds: rows.map((r) => r.id) };
  }

  const rowCount = async (sql: string, values: unknown[]) =>
    (await owner.pool.query<{ n: number }>(`select count(*)::int as n from ${sql}`, values))
      .rows[0]!.n;

  it("enrolling someone not in the school is not found, and enrols no one", async () => {
    const teacher = await harness.sync.as("teacher");
    const { path, courseId } = await course(teacher);
    const { a, b, outsider } = classes;
    const deps = { db: harness.app.database.db, pool: harness.app.database.pool };
    const actor: Actor = { userId: a.teacherId, tenantId: a.tenantId, tenantRole: "teacher" };
    for (const userId of [outsider, randomUUID()]) {
      expect((await teacher.post(path, { intent: "enroll", userIds: userId })).status).toBe(404);
      // Named with a student who is in the school: still no one is enrolled.
      await expect(
        enrollStudents(deps, actor, { courseId }, { userIds: [b.studentId, userId] }),
      ).rejects.toMatchObject({ code: "not_found" });
    }
    expect(await rowCount("enrollments where course_id = $1", [courseId])).toBe(0);
    // A student of the school is enrolled as before.
    expect((await teacher.post(path, { intent: "enroll", userIds: b.studentId })).status).toBe(200);
    expect(await rowCount("enrollments where course_id = $1", [courseId])).toBe(1);
  });

  it("a co-teacher from another school is not found, and no class is scheduled", async () => {
    const teacher = await harness.sync.as("teacher");
    const { path, courseId } = await course(teacher);
    const { outsider } = classes;
    const response = await teacher.post(path, {
      intent: "schedule",
      idempotencyKey: key(),
      title: "Co-taught",
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
      coTeacherIds: outsider,
    });
    expect(response.status).toBe(404);
    expect(await rowCount("sessions where course_id = $1", [courseId])).toBe(0);
  });

  it("a course's page acts only on its own lessons and classes", async () => {
    const teacher = await harness.sync.as("teacher");
    const mine = await course(teacher, ["Mine"]);
    const other = await course(teacher, ["Other one", "Other two"]);
    const [otherLesson] = other.lessonIds as [string];
    const scheduled = await teacher.post(other.path, {
      intent: "schedule",
      idempotencyKey: key(),
      title: "Other class",
      startsAt: tomorrow(),
      durationMinutes: "30",
      timeZone: "UTC",
    });
    expect(scheduled.status).toBe(200);
    const { rows } = await owner.pool.query<{ id: string; title: string }>(
      "select id, title from sessions where course_id = $1",
      [other.courseId],
    );
    const otherClass = rows[0]!.id;
    const events = await eventCount(otherClass);

    const forms: Record<string, string>[] = [
      { intent: "edit-lesson", lessonId: otherLesson, title: "Renamed from elsewhere" },
      { intent: "move-lesson", lessonId: other.lessonIds[1]!, direction: "up" },
      { intent: "archive-lesson", lessonId: otherLesson },
      {
        intent: "schedule",
        idempotencyKey: key(),
        title: "Wrong lesson",
        lessonId: otherLesson,
        startsAt: tomorrow(),
        durationMinutes: "30",
        timeZone: "UTC",
      },
      {
        intent: "reschedule",
        idempotencyKey: key(),
        sessionId: otherClass,
        title: "Moved from elsewhere",
        startsAt: tomorrow(),
        durationMinutes: "45",
        timeZone: "UTC",
      },
      { intent: "cancel", idempotencyKey: key(), sessionId: otherClass },
    ];
    for (const form of forms) {
      expect((await teacher.post(mine.path, form)).status, form.intent).toBe(404);
    }
    expect(await eventCount(otherClass)).toBe(events);
    const lessons = await owner.pool.query<{ title: string; archived: boolean }>(
      "select title, archived_at is not null as archived from lessons where course_id = $1 order by position",
      [other.courseId],
    );
    expect(lessons.rows).toEqual([
      { title: "Other one", archived: false },
      { title: "Other two", archived: false },
    ]);
    expect(await rowCount("sessions where course_id = $1", [mine.courseId])).toBe(0);
    expect(await rowCount("sessions where id = $1 and status = 'scheduled'", [otherClass])).toBe(1);
  });

  it("changing the role of, or removing, someone not in the school is not found", async () => {
    const admin = await harness.sync.as("admin");
    const { outsider } = classes;
    const audits = () => rowCount("audit_logs where subject_user_id = $1", [outsider]);
    const forms: Record<string, string>[] = [
      { intent: "change_role", userId: outsider, role: "teacher" },
      { intent: "remove", userId: outsider },
    ];
    for (const form of forms) {
      expect((await admin.post("/s/demo/people", form)).status, form.intent).toBe(404);
    }
    expect(await audits()).toBe(0);
    const { rows } = await owner.pool.query(
      "select t.slug, r.role from user_roles r join tenants t on t.id = r.tenant_id where r.user_id = $1",
      [outsider],
    );
    expect(rows).toEqual([{ slug: "riverside", role: "student" }]);
  });
});
