import { describe, expect, it } from "vitest";
import type { Card } from "../core/interaction/ctas";
import type { Poll } from "../core/interaction/polls";
import type { Question } from "../core/interaction/questions";
import { eventTypes } from "./support/classFixtures";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

const harness = classroomHarness();
const { owner } = harness;

const key = () => `test-${crypto.randomUUID()}`;
const count = async (sessionId: string, type: string) =>
  (await eventTypes(owner.pool, sessionId)).filter((t) => t === type).length;

async function call<T>(who: Browser, path: string, init: Parameters<Browser["api"]>[1] = {}) {
  const response = await who.api(path, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

describe("Q&A over HTTP (real Postgres)", () => {
  it("asks once per key, hides anonymous askers, upvotes once, and lets only teachers moderate", async () => {
    const { sessionId, teacher, students, studentId } = await harness.sync.liveClass([
      "student1",
      "student2",
    ]);
    const [sam, sara] = students as [Browser, Browser];
    const base = `/api/sessions/${sessionId}/questions`;
    const ask = (who: Browser, json: unknown, k = key()) =>
      call<{ question: Question }>(who, base, { json, headers: { "idempotency-key": k } });
    const list = async (who: Browser, sort = "top") =>
      (await call<{ questions: Question[] }>(who, `${base}?sort=${sort}`, { method: "GET" })).body
        .questions;

    const k = key();
    const first = await ask(sam, { body: "What is a monad?" }, k);
    const again = await ask(sam, { body: "What is a monad?" }, k);
    expect(first.status).toBe(201);
    expect(again.body.question.questionId).toBe(first.body.question.questionId);
    expect(await count(sessionId, "question.asked")).toBe(1);
    expect(first.body.question).toMatchObject({ authorUserId: studentId, mine: true, upvotes: 0 });

    const secret = (await ask(sara, { body: "Is this on the exam?", anonymous: true })).body
      .question;
    // Anonymous to everyone, teachers included; the asker still sees it is theirs.
    expect((await list(teacher)).find((q) => q.questionId === secret.questionId)).toMatchObject({
      authorUserId: null,
      anonymous: true,
      mine: false,
    });
    expect((await list(sara)).find((q) => q.questionId === secret.questionId)?.mine).toBe(true);

    // One upvote each; not your own.
    const act = (who: Browser, questionId: string, json: unknown) =>
      call<{ question: Question }>(who, `${base}/${questionId}`, { json });
    expect((await act(sam, secret.questionId, { action: "upvote" })).body.question).toMatchObject({
      upvotes: 1,
      upvotedByMe: true,
    });
    const twice = await Promise.all([
      act(sam, secret.questionId, { action: "upvote" }),
      act(sam, secret.questionId, { action: "upvote" }),
    ]);
    expect(twice.map((r) => r.status)).toEqual([409, 409]);
    expect((await act(sara, secret.questionId, { action: "upvote" })).status).toBe(409);
    expect(await count(sessionId, "question.upvoted")).toBe(1);

    // "top": the upvoted question first; "recent": newest first.
    expect((await list(sam)).map((q) => q.body)).toEqual([
      "Is this on the exam?",
      "What is a monad?",
    ]);
    expect((await list(sam, "recent"))[0]!.questionId).toBe(secret.questionId);

    // Students cannot moderate; teachers answer, pin and dismiss.
    const monad = first.body.question.questionId;
    for (const json of [
      { action: "answer" },
      { action: "dismiss" },
      { action: "pin", pinned: true },
    ]) {
      expect((await act(sara, monad, json)).status).toBe(403);
    }
    const answered = await act(teacher, monad, { action: "answer", answer: "A burrito." });
    expect(answered.body.question).toMatchObject({ status: "answered", answer: "A burrito." });
    await act(teacher, monad, { action: "pin", pinned: true });
    expect((await list(sara))[0]!.questionId).toBe(monad);
    await act(teacher, secret.questionId, { action: "dismiss" });
    expect((await list(sam)).map((q) => q.questionId)).toEqual([monad]);
    expect((await list(sara)).map((q) => q.questionId)).toContain(secret.questionId);

    expect((await ask(sam, { body: "   " })).status).toBe(422);
    expect((await act(teacher, "not-a-uuid", { action: "dismiss" })).status).toBe(404);
    expect((await act(teacher, crypto.randomUUID(), { action: "dismiss" })).status).toBe(404);
  });
});

describe("polls over HTTP (real Postgres)", () => {
  const poll = {
    prompt: "Which is a prime?",
    kind: "single",
    quiz: true,
    options: [{ label: "4" }, { label: "7", isCorrect: true }, { label: "9" }],
  };

  it("runs a quiz from draft to shared results, one vote per student even when sent together", async () => {
    const { sessionId, teacher, students, studentId, id } = await harness.sync.liveClass([
      "student1",
      "student2",
    ]);
    const [sam, sara] = students as [Browser, Browser];
    const base = `/api/sessions/${sessionId}/polls`;
    const list = async (who: Browser) =>
      (await call<{ polls: Poll[] }>(who, base, { method: "GET" })).body.polls;

    expect(
      (await call(sam, base, { json: poll, headers: { "idempotency-key": key() } })).status,
    ).toBe(403);
    const k = key();
    const created = await call<{ poll: Poll }>(teacher, base, {
      json: poll,
      headers: { "idempotency-key": k },
    });
    const retried = await call<{ poll: Poll }>(teacher, base, {
      json: poll,
      headers: { "idempotency-key": k },
    });
    expect(created.status).toBe(201);
    expect(retried.body.poll.pollId).toBe(created.body.poll.pollId);
    expect(await count(sessionId, "poll.created")).toBe(1);
    const { pollId, options } = created.body.poll;
    const [four, seven] = options as [Poll["options"][0], Poll["options"][0]];
    expect(await list(sam)).toEqual([]); // drafts are the teachers'

    const voteAs = (who: Browser, optionIds: string[], k2 = key()) =>
      call<{ poll: Poll }>(who, `${base}/${pollId}/votes`, {
        json: { optionIds },
        headers: { "idempotency-key": k2 },
      });
    expect((await voteAs(sam, [seven.optionId])).status).toBe(409); // not open yet
    expect((await call(sam, `${base}/${pollId}`, { json: { action: "open" } })).status).toBe(403);
    expect(
      (await call<{ poll: Poll }>(teacher, `${base}/${pollId}`, { json: { action: "open" } })).body
        .poll.status,
    ).toBe("open");

    // Students see the question but not the counts or the answer until shared.
    const seen = (await list(sam))[0]!;
    expect(seen).toMatchObject({ status: "open", resultsVisible: false, totalVoters: null });
    expect(seen.options.every((o) => o.votes === undefined && o.isCorrect === undefined)).toBe(
      true,
    );

    // Two different votes from one student at the same moment: exactly one is kept.
    const both = await Promise.all([voteAs(sam, [four.optionId]), voteAs(sam, [seven.optionId])]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const { rows } = await owner.pool.query("select user_id from poll_votes where poll_id = $1", [
      pollId,
    ]);
    expect(rows).toEqual([{ user_id: studentId }]);
    expect(await count(sessionId, "poll.voted")).toBe(1);

    // A retried vote (same key) is the same vote.
    const k3 = key();
    expect((await voteAs(sara, [seven.optionId], k3)).status).toBe(201);
    expect((await voteAs(sara, [seven.optionId], k3)).status).toBe(201);
    expect(await count(sessionId, "poll.voted")).toBe(2);
    expect((await voteAs(sara, [four.optionId, seven.optionId])).status).toBe(422);
    expect((await voteAs(sara, [crypto.randomUUID()])).status).toBe(422);

    // Teachers see live counts and (named poll) who voted.
    const live = (await list(teacher))[0]!;
    expect(live.totalVoters).toBe(2);
    const samChose = both.find((r) => r.status === 201)!.body.poll.myVote![0];
    expect(live.options.map((o) => o.votes)).toEqual([
      samChose === four.optionId ? 1 : 0,
      samChose === seven.optionId ? 2 : 1,
      0,
    ]);
    expect(live.options.flatMap((o) => o.voters ?? [])).toContain(studentId);

    // The student's event feed tells of polls and votes, never the answers or others' choices.
    const feed = (
      await call<{ events: { type: string; actorUserId: string | null; payload: object }[] }>(
        sara,
        `/api/sessions/${sessionId}/events?after=0`,
        { method: "GET" },
      )
    ).body.events;
    expect(JSON.stringify(feed)).not.toContain("isCorrect");
    expect(feed.find((e) => e.type === "poll.created")?.payload).toEqual({ pollId });
    const votes = feed.filter((e) => e.type === "poll.voted");
    expect(votes.filter((e) => e.actorUserId !== null).map((e) => e.actorUserId)).toEqual([
      id("student2"),
    ]);
    expect(votes.filter((e) => e.actorUserId === null).map((e) => e.payload)).toEqual([{ pollId }]);

    // Close and share: students see the counts and the right answer; voting is over.
    const closed = await call<{ poll: Poll }>(teacher, `${base}/${pollId}`, {
      json: { action: "close", shareResults: true },
    });
    expect(closed.body.poll).toMatchObject({ status: "closed", resultsShared: true });
    const shared = (await list(sara))[0]!;
    expect(shared).toMatchObject({
      resultsVisible: true,
      totalVoters: 2,
      myVote: [seven.optionId],
    });
    expect(shared.options.map((o) => o.isCorrect)).toEqual([false, true, false]);
    expect(shared.options.every((o) => o.voters === undefined)).toBe(true);
    expect((await voteAs(sara, [four.optionId])).status).toBe(409);
  });

  it("lets voters change their answer when the poll allows it, and hides voters of anonymous polls", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const base = `/api/sessions/${sessionId}/polls`;
    const created = await call<{ poll: Poll }>(teacher, base, {
      json: {
        prompt: "Which topics next week?",
        kind: "multiple",
        anonymous: true,
        allowChange: true,
        open: true,
        options: [{ label: "Graphs" }, { label: "Trees" }, { label: "Heaps" }],
      },
    });
    const { pollId, options } = created.body.poll;
    expect(created.body.poll.status).toBe("open");
    const voteFor = (...labels: number[]) =>
      call<{ poll: Poll }>(student, `${base}/${pollId}/votes`, {
        json: { optionIds: labels.map((i) => options[i]!.optionId) },
      });
    expect((await voteFor(0, 1)).status).toBe(201);
    expect((await voteFor(2)).body.poll.myVote).toEqual([options[2]!.optionId]);
    const seen = (await call<{ polls: Poll[] }>(teacher, base, { method: "GET" })).body.polls[0]!;
    expect(seen.options.map((o) => o.votes)).toEqual([0, 0, 1]);
    expect(seen.options.every((o) => o.voters === undefined)).toBe(true);

    expect(
      (
        await call(teacher, base, {
          json: { prompt: "Quiz", quiz: true, options: [{ label: "a" }, { label: "b" }] },
        })
      ).status,
    ).toBe(422);
    expect(
      (await call(teacher, base, { json: { prompt: "One", options: [{ label: "a" }] } })).status,
    ).toBe(422);
  });
});

describe("call-to-action cards over HTTP (real Postgres)", () => {
  it("shows one card at a time with a server-drawn QR code, and only teachers manage them", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const base = `/api/sessions/${sessionId}/cards`;
    const card = { title: "Homework", body: "Due Friday", url: "https://example.edu/hw/3" };
    expect((await call(student, base, { json: card })).status).toBe(403);
    expect(
      (await call(teacher, base, { json: { ...card, url: "javascript:alert(1)" } })).status,
    ).toBe(422);

    const k = key();
    const first = (
      await call<{ card: Card }>(teacher, base, { json: card, headers: { "idempotency-key": k } })
    ).body.card;
    const retry = await call<{ card: Card }>(teacher, base, {
      json: card,
      headers: { "idempotency-key": k },
    });
    expect(retry.body.card.cardId).toBe(first.cardId);
    expect(await count(sessionId, "cta.shown")).toBe(1);
    const second = (
      await call<{ card: Card }>(teacher, base, {
        json: { title: "Survey", url: "https://example.edu/survey" },
      })
    ).body.card;
    expect(
      (await call<{ card: Card | null }>(student, base, { method: "GET" })).body.card,
    ).toMatchObject({
      cardId: second.cardId,
      title: "Survey",
    });
    expect((await eventTypes(owner.pool, sessionId)).slice(-3)).toEqual([
      "cta.shown",
      "cta.hidden",
      "cta.shown",
    ]);

    const qr = await student.api(`${base}/${first.cardId}/qr.svg`, { method: "GET" });
    expect(qr.status).toBe(200);
    expect(qr.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await qr.text();
    expect(svg).toMatch(/^<svg[^>]+viewBox="0 0 (\d+) \1"/);
    expect(svg).toContain("<path");

    expect((await call(student, `${base}/${second.cardId}`, { method: "DELETE" })).status).toBe(
      403,
    );
    expect((await call(teacher, `${base}/${second.cardId}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect(
      (await call<{ card: Card | null }>(student, base, { method: "GET" })).body.card,
    ).toBeNull();
  });
});
