import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import type { Poll } from "../core/interaction/polls";
import type { Question } from "../core/interaction/questions";
import { eventTypes } from "./support/classFixtures";
import { board, classroomHarness, until } from "./support/syncClients";
import type { Browser } from "./support/webApp";

const harness = classroomHarness();
const { owner } = harness;
const run = promisify(execFile);

/** Every interaction projection row of a class, in a stable order, without surrogate ids. */
async function projections(sessionId: string) {
  const q = async (sql: string) => (await owner.pool.query(sql, [sessionId])).rows;
  return {
    chat: await q(`select * from chat_messages where session_id = $1 order by sequence`),
    questions: await q(`select * from questions where session_id = $1 order by sequence`),
    upvotes: await q(`select u.* from question_upvotes u join questions q on q.id = u.question_id
                       where q.session_id = $1 order by u.question_id, u.user_id`),
    polls: await q(`select * from polls where session_id = $1 order by id`),
    options: await q(`select o.* from poll_options o join polls p on p.id = o.poll_id
                       where p.session_id = $1 order by o.poll_id, o.position`),
    votes: await q(`select v.poll_id, v.user_id, v.option_ids, v.created_at, v.updated_at
                      from poll_votes v join polls p on p.id = v.poll_id
                     where p.session_id = $1 order by v.poll_id, v.user_id`),
    hands: await q(`select session_id, user_id, sequence, raised_at, lowered_at, lowered_by
                      from hands where session_id = $1 order by sequence`),
    ctas: await q(`select * from ctas where session_id = $1 order by id`),
  };
}

async function scriptedClass() {
  const live = await harness.sync.liveClass(["student1", "student2"]);
  const { sessionId, teacher } = live;
  const [sam, sara] = live.students as [Browser, Browser];
  const api = async <T>(who: Browser, path: string, json?: unknown, method = "POST") => {
    const response = await who.api(`/api/sessions/${sessionId}${path}`, {
      method,
      ...(json === undefined ? {} : { json }),
      headers: { "idempotency-key": `script-${randomUUID()}` },
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (response.status === 204 ? null : await response.json()) as T;
  };
  await api(teacher, "/chat", { body: "Welcome" });
  const { message } = await api<{ message: { messageId: string } }>(sam, "/chat", { body: "oops" });
  await api(sara, "/chat", { body: "Just for you", audience: "teachers" });
  await api(teacher, `/chat/${message.messageId}`, undefined, "DELETE");

  const ask = (who: Browser, body: string, anonymous = false) =>
    api<{ question: Question }>(who, "/questions", { body, anonymous });
  const a = (await ask(sam, "Why is the sky blue?")).question;
  const b = (await ask(sara, "Will this be graded?", true)).question;
  await api(sara, `/questions/${a.questionId}`, { action: "upvote" });
  await api(sam, `/questions/${b.questionId}`, { action: "upvote" });
  await api(teacher, `/questions/${a.questionId}`, { action: "answer", answer: "Scattering." });
  await api(teacher, `/questions/${b.questionId}`, { action: "pin", pinned: true });
  await api(teacher, `/questions/${b.questionId}`, { action: "dismiss" });

  const quiz = (
    await api<{ poll: Poll }>(teacher, "/polls", {
      prompt: "2 + 2?",
      quiz: true,
      open: true,
      options: [{ label: "4", isCorrect: true }, { label: "5" }],
    })
  ).poll;
  const survey = (
    await api<{ poll: Poll }>(teacher, "/polls", {
      prompt: "Topics?",
      kind: "multiple",
      anonymous: true,
      allowChange: true,
      options: [{ label: "Graphs" }, { label: "Trees" }, { label: "Heaps" }],
    })
  ).poll;
  await api(teacher, `/polls/${survey.pollId}`, { action: "open" });
  await api(sam, `/polls/${quiz.pollId}/votes`, { optionIds: [quiz.options[0]!.optionId] });
  await api(sara, `/polls/${quiz.pollId}/votes`, { optionIds: [quiz.options[1]!.optionId] });
  const pick = (...i: number[]) => ({ optionIds: i.map((n) => survey.options[n]!.optionId) });
  await api(sam, `/polls/${survey.pollId}/votes`, pick(0, 1));
  await api(sam, `/polls/${survey.pollId}/votes`, pick(2)); // changed
  await api(sara, `/polls/${survey.pollId}/votes`, pick(1));
  await api(teacher, `/polls/${quiz.pollId}`, { action: "close", shareResults: true });
  await api(teacher, `/polls/${survey.pollId}`, { action: "close" });
  await api(teacher, `/polls/${survey.pollId}`, { action: "share" });

  await api(sam, "/hands", { action: "raise" });
  await api(sara, "/hands", { action: "raise" });
  await api(teacher, "/hands", { action: "lower", userId: live.studentId });
  await api(sam, "/hands", { action: "raise" });
  await api(sara, "/hands", { action: "lower" });

  await api(teacher, "/cards", { title: "Homework", url: "https://example.edu/hw" });
  const { card } = await api<{ card: { cardId: string } }>(teacher, "/cards", {
    title: "Survey",
    body: "Two minutes",
    url: "https://example.edu/survey",
  });
  await api(teacher, `/cards/${card.cardId}`, undefined, "DELETE");
  return live;
}

describe("interaction projections (real Postgres)", () => {
  it("npm run projections:rebuild rebuilds chat, questions, polls, votes, hands and cards equal to the live ones", async () => {
    const { sessionId } = await scriptedClass();
    const live = await projections(sessionId);
    expect(live.chat).toHaveLength(3);
    expect(live.votes).toHaveLength(4);
    expect(live.hands).toHaveLength(3);

    // Damage the projections, then rebuild them from the log with the real command.
    await owner.pool.query(`delete from chat_messages where session_id = $1`, [sessionId]);
    await owner.pool.query(`update questions set upvotes = 99 where session_id = $1`, [sessionId]);
    await owner.pool.query(
      `delete from poll_votes where poll_id in (select id from polls where session_id = $1)`,
      [sessionId],
    );
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "scripts/rebuild-projections.ts", "--session", sessionId],
      { env: { ...process.env, ...inject("serverEnv"), LOG_LEVEL: "warn", SEED_DEMO: "false" } },
    );
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { events: number };
    expect(summary.events).toBe(
      (await eventTypes(owner.pool, sessionId)).filter((t) =>
        /^(chat|question|poll|hand|cta)\./.test(t),
      ).length,
    );
    expect(await projections(sessionId)).toEqual(live);
  });

  it("the rebuild command refuses a missing or malformed class id with a clear message", async () => {
    const attempt = (args: string[]) =>
      run(process.execPath, ["--import", "tsx", "scripts/rebuild-projections.ts", ...args], {
        env: { ...process.env, ...inject("serverEnv"), LOG_LEVEL: "warn", SEED_DEMO: "false" },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
    const malformed = await attempt(["--session", "yesterday"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("Usage: npm run projections:rebuild -- --session");
    const missing = await attempt(["--session", randomUUID()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no class .* in this database/);
  });

  it("broken interaction tables leave joining, the board and slides working; their endpoints fail cleanly and write nothing", async () => {
    const { sessionId, teacher, students } = await harness.sync.liveClass(["student1", "student2"]);
    const tables = ["chat_messages", "questions", "polls", "hands", "ctas"];
    const [, sara] = students as [Browser, Browser];
    await sara.api(`/api/sessions/${sessionId}/leave`);
    const before = await eventTypes(owner.pool, sessionId);
    try {
      for (const t of tables) await owner.pool.query(`alter table ${t} rename to ${t}_broken`);

      for (const [path, json] of [
        ["/chat", { body: "hello" }],
        ["/questions", { body: "anyone?" }],
        ["/hands", { action: "raise" }],
      ] as const) {
        const response = await sara.api(`/api/sessions/${sessionId}${path}`, { json });
        expect(response.status).toBeGreaterThanOrEqual(500);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.message).not.toMatch(/relation|stack|at \//);
      }
      const polls = await teacher.api(`/api/sessions/${sessionId}/polls`, { method: "GET" });
      expect(polls.status).toBeGreaterThanOrEqual(500);
      // Nothing half-written: the refused commands appended no events.
      expect(await eventTypes(owner.pool, sessionId)).toEqual(before);

      // Joining still works ...
      expect((await sara.api(`/api/sessions/${sessionId}/join`)).status).toBe(200);
      // ... and so do the board and slides, sequenced in the log.
      const host = await harness.sync.open(teacher, sessionId);
      const pupil = await harness.sync.open(sara, sessionId);
      const deckId = randomUUID();
      board(host.doc).set("still", "drawing");
      host.doc.getMap("slides").set(deckId, 2);
      await until(() => board(pupil.doc).get("still") === "drawing");
      await until(() => pupil.doc.getMap("slides").get(deckId) === 2);
      const types = await eventTypes(owner.pool, sessionId);
      expect(types).toContain("whiteboard.updated");
      expect(types).toContain("slide.changed");
    } finally {
      for (const t of tables) {
        await owner.pool.query(`alter table if exists ${t}_broken rename to ${t}`);
      }
    }
    // Repaired: chat works again.
    expect(
      (await sara.api(`/api/sessions/${sessionId}/chat`, { json: { body: "back" } })).status,
    ).toBe(201);
  });

  it("a client that missed notifications catches up by sequence, gap-free and in order", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const last = async () =>
      (
        await owner.pool.query<{ s: number }>(
          "select last_event_seq::int as s from sessions where id = $1",
          [sessionId],
        )
      ).rows[0]!.s;
    const seen = await last();
    // While the client is away: chat, a question, a hand, a poll.
    await teacher.api(`/api/sessions/${sessionId}/chat`, { json: { body: "while you were out" } });
    await student.api(`/api/sessions/${sessionId}/questions`, {
      json: { body: "what did I miss?" },
    });
    await student.api(`/api/sessions/${sessionId}/hands`, { json: { action: "raise" } });
    await teacher.api(`/api/sessions/${sessionId}/polls`, {
      json: { prompt: "Back?", open: true, options: [{ label: "Yes" }, { label: "No" }] },
    });
    const response = await student.api(`/api/sessions/${sessionId}/events?after=${seen}`, {
      method: "GET",
    });
    const { events } = (await response.json()) as {
      events: { sequence: number; type: string }[];
    };
    const head = await last();
    expect(events.map((e) => e.sequence)).toEqual(
      Array.from({ length: head - seen }, (_, i) => seen + 1 + i),
    );
    expect(events.map((e) => e.type)).toEqual([
      "chat.posted",
      "question.asked",
      "hand.raised",
      "poll.created",
      "poll.opened",
    ]);
  });
});
