import { inject } from "vitest";
import { afterAll, describe, expect, it } from "vitest";
import { parseVtt } from "../core/artifacts/captions";
import type { Poll } from "../core/interaction/polls";
import type { Question } from "../core/interaction/questions";
import { loadConfig } from "../core/platform/config";
import { createStorage } from "../core/platform/storage";
import { replaceTranscript, searchTranscript, type SegmentRow } from "../db/artifactOutputs";
import { withTenant } from "../db/tenantContext";
import { align } from "../jobs/stages/align";
import { derive } from "../jobs/stages/derive";
import type { StageBody, StageDeps } from "../jobs/stages/stage";
import { callAs, classClock as clockOf, presenterSlides } from "./support/lecture";
import { makeLectureDeck } from "./support/lectureDeck";
import { startSummaryStandIn } from "./support/summaryStandIn";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

/*
 * A class run through the real routes, the sync server and the log; its
 * clock then set by the owner (the class takes seconds, its events are placed
 * minutes apart, as a lesson's would be); a transcript inserted as transcribe
 * would write it; then align and derive through their real stage bodies.
 */

const harness = classroomHarness();
const { owner } = harness;
const storage = createStorage(loadConfig({ NODE_ENV: "production", ...inject("serverEnv") }));
const written: string[] = [];
afterAll(async () => {
  for (const prefix of written) await storage.deletePrefix(prefix);
});

const s = 1000;
const VERSION = 1;
const TITLES = ["Phases of the Moon", "Tides and the Moon", "Eclipses"];

/** Speech as a transcriber gives it: times relative to the recording's start, word timings. */
function segment(recordingId: string, startSeconds: number, text: string): SegmentRow {
  const words = text.split(" ").map((word, i) => ({
    word,
    startMs: startSeconds * s + i * 300,
    endMs: startSeconds * s + i * 300 + 250,
  }));
  return { recordingId, startMs: words[0]!.startMs, endMs: words.at(-1)!.endMs, text, words };
}

/** What a worker gives the stages; align and derive use storage and the summary model only. */
const stageDeps = (summary?: StageDeps["summary"]): StageDeps => ({
  storage,
  ffmpegPath: "ffmpeg",
  transcriber: { engine: "pocketsphinx", transcribe: () => Promise.reject(new Error("not used")) },
  parallelPieces: 1,
  summary,
});

async function runStages(tenantId: string, sessionId: string, deps: StageDeps = stageDeps()) {
  const db = harness.app.database.db;
  const run = async (body: StageBody) => {
    const result = await withTenant(db, tenantId, (tx) =>
      body({ tenantId, sessionId, version: VERSION, tx, progress: async () => {}, deps }),
    );
    await withTenant(db, tenantId, async (tx) => result.write?.(tx));
    return result.outcomes;
  };
  return { alignment: await run(align), derived: await run(derive) };
}

async function rowsOf(sessionId: string) {
  const q = async (sql: string) => (await owner.pool.query(sql, [sessionId, VERSION])).rows;
  return {
    chapters: await q(
      "select position, start_ms, end_ms, title, summary from chapters where session_id = $1 and version = $2 order by position",
    ),
    highlights: await q(
      "select kind, start_ms, end_ms, title, score, sequence from highlights where session_id = $1 and version = $2 order by start_ms, kind, title",
    ),
    summary: await q(
      "select body, chapter_refs from summaries where session_id = $1 and version = $2",
    ),
    segments: await q(
      "select start_ms, speaker_user_id, speaker_label, text from transcript_segments where session_id = $1 and version = $2 order by start_ms",
    ),
  };
}

/**
 * The lesson: three slides (at 30 s, 180 s, 300 s), questions, a poll, a
 * burst of chat, the teacher's browser recording from 10 s.
 */
async function teachLesson() {
  const live = await harness.sync.liveClass(["student1", "student2", "student3"]);
  const { sessionId, teacher, students } = live;
  const clock = clockOf(owner.pool, sessionId);
  await clock.mark(0);

  const upload = await teacher.api(`/api/sessions/${sessionId}/decks?name=Moon.pdf`, {
    body: makeLectureDeck(TITLES.map((title) => ({ title, lines: ["Lectern astronomy, week 3"] }))),
    headers: { "content-type": "application/pdf" },
  });
  expect(upload.status).toBe(201);
  const { deck } = (await upload.json()) as { deck: { deckId: string } };
  await clock.mark(1);
  const { recording } = await callAs<{ recording: { id: string } }>(
    teacher,
    `/api/sessions/${sessionId}/recordings`,
  );
  await clock.mark(10);

  const host = await harness.sync.open(teacher, sessionId);
  const show = presenterSlides(owner.pool, sessionId, host, deck.deckId, clock);
  await show(1, 30);

  const questions = `/api/sessions/${sessionId}/questions`;
  const [sam, sara, sol] = students as [Browser, Browser, Browser];
  const top = (
    await callAs<{ question: Question }>(sam, questions, { body: "Why does the moon have phases?" })
  ).question;
  const other = (
    await callAs<{ question: Question }>(sara, questions, { body: "Is the moon made of cheese?" })
  ).question;
  await clock.mark(90);
  await callAs(sara, `${questions}/${top.questionId}`, { action: "upvote" });
  await callAs(sol, `${questions}/${top.questionId}`, { action: "upvote" });
  await callAs(sam, `${questions}/${other.questionId}`, { action: "upvote" });
  await clock.mark(95);

  await show(2, 180);
  const polls = `/api/sessions/${sessionId}/polls`;
  const { poll } = await callAs<{ poll: Poll }>(teacher, polls, {
    prompt: "What pulls the tides?",
    kind: "single",
    options: [{ label: "The moon" }, { label: "The wind" }],
  });
  await callAs(teacher, `${polls}/${poll.pollId}`, { action: "open" });
  await clock.mark(200);
  const [moon, wind] = poll.options as [Poll["options"][0], Poll["options"][0]];
  await callAs(sam, `${polls}/${poll.pollId}/votes`, { optionIds: [moon.optionId] });
  await callAs(sara, `${polls}/${poll.pollId}/votes`, { optionIds: [moon.optionId] });
  await callAs(sol, `${polls}/${poll.pollId}/votes`, { optionIds: [wind.optionId] });
  await clock.mark(215);
  await callAs(teacher, `${polls}/${poll.pollId}`, { action: "close", shareResults: true });
  await clock.mark(240);

  await show(3, 300);
  for (const who of [sam, sara, sol, sam, sara, sol, sam, sara])
    await callAs(who, `/api/sessions/${sessionId}/chat`, { body: "Whoa, an eclipse!" });
  await clock.mark(330);
  await callAs(teacher, `/api/sessions/${sessionId}/end`);
  await clock.mark(400);
  await clock.apply();
  return { ...live, deck, recordingId: recording.id, topQuestion: top, clock };
}

const lecture = (recordingId: string) => [
  segment(recordingId, 25, "Welcome everyone, today we look at the phases of the moon."),
  segment(recordingId, 60, "The moon reflects light from the sun as it orbits the earth."),
  segment(recordingId, 100, "Remember this: a full moon rises at sunset."),
  segment(recordingId, 175, "Tides come from the pull of the moon on the oceans."),
  segment(recordingId, 300, "An eclipse happens when the shadow of the earth falls on the moon."),
  segment(recordingId, 360, "That is all for today, see you next week."),
];

describe("align and derive a class from its log and transcript", () => {
  it("chapters at each slide change titled from the slide, highlights, speakers, captions and search; a rerun gives the same rows", async () => {
    const lesson = await teachLesson();
    const { sessionId, tenantId, teacherId, recordingId } = lesson;
    written.push(`captions/${tenantId}/${sessionId}`);
    await withTenant(harness.app.database.db, tenantId, (tx) =>
      replaceTranscript(tx, { tenantId, sessionId, version: VERSION }, lecture(recordingId)),
    );

    const { alignment, derived } = await runStages(tenantId, sessionId);
    const rows = await rowsOf(sessionId);

    // Chapters: the opening, then one per slide, within 2 s of its change, titled by its text.
    const changes = [0, 30, 180, 300];
    expect(rows.chapters.map((c) => c.title)).toEqual([
      (await owner.pool.query("select title from sessions where id = $1", [sessionId])).rows[0]!
        .title,
      ...TITLES,
    ]);
    rows.chapters.forEach((c, i) => {
      expect(Math.abs(c.start_ms - changes[i]! * s)).toBeLessThanOrEqual(2 * s);
    });
    expect(rows.chapters.at(-1)!.end_ms).toBeGreaterThanOrEqual(400 * s);

    // Speech on the class timeline: the recording began at 10 s, so its 175 s is 185 s, on slide 2.
    const placed = (
      alignment.alignment as {
        output: { segments: { startMs: number; page: number; speakerUserId: string }[] };
      }
    ).output.segments;
    const tides = placed.find((p) => Math.abs(p.startMs - 185 * s) <= 2 * s);
    expect(tides).toMatchObject({ page: 2, deckId: lesson.deck.deckId, speakerUserId: teacherId });
    // The browser recording is its starter's microphone: the teacher, by the name they joined with.
    expect(rows.segments.every((r) => r.speaker_user_id === teacherId)).toBe(true);
    expect(rows.segments[0]!.speaker_label).toBe("Tom Teacher");

    // Highlights at their times: the top-voted question first among questions, the poll's result, emphasis, the chat burst.
    const of = (kind: string) => rows.highlights.filter((h) => h.kind === kind);
    const questions = of("question").sort((a, b) => b.score - a.score);
    expect(questions[0]).toMatchObject({ title: "Why does the moon have phases?" });
    expect(Math.abs(questions[0]!.start_ms - 90 * s)).toBeLessThanOrEqual(2 * s);
    expect(questions[0]!.score).toBeGreaterThan(questions[1]!.score);
    expect(of("poll")).toEqual([
      expect.objectContaining({ title: "What pulls the tides?: The moon (2 of 3)" }),
    ]);
    expect(Math.abs(of("poll")[0]!.start_ms - 200 * s)).toBeLessThanOrEqual(2 * s);
    expect(Math.abs(of("poll")[0]!.end_ms - 240 * s)).toBeLessThanOrEqual(2 * s);
    const emphasis = of("emphasis");
    expect(emphasis.map((h) => h.title)).toEqual(["Remember this: a full moon rises at sunset."]);
    expect(Math.abs(emphasis[0]!.start_ms - 110 * s)).toBeLessThanOrEqual(2 * s);
    expect(of("chat_burst")).toHaveLength(1);
    expect(Math.abs(of("chat_burst")[0]!.start_ms - 330 * s)).toBeLessThanOrEqual(2 * s);

    // The summary follows the chapters, with their questions and the poll.
    expect(derived.summary).toMatchObject({
      status: "succeeded",
      output: { source: "extractive" },
    });
    const body = rows.summary[0]!.body as string;
    for (const title of TITLES) expect(body).toContain(title);
    expect(body).toContain("Tides come from the pull of the moon on the oceans.");
    expect(body).toContain("Poll: What pulls the tides?: The moon (2 of 3)");
    expect(rows.summary[0]!.chapter_refs).toEqual([0, 1, 2, 3]);

    // Captions: valid WebVTT (and SRT) in storage, covering the speech on the recording's clock.
    const captions = derived.captions as {
      status: string;
      storageKey: string;
      output: { files: { vtt: string; srt: string }[] };
    };
    expect(captions.status).toBe("succeeded");
    const read = async (k: string) =>
      Buffer.concat(await (await storage.get(k)).toArray()).toString();
    const cues = parseVtt(await read(captions.storageKey));
    expect(cues[0]!.startMs).toBe(25 * s);
    expect(cues.at(-1)!.endMs).toBeGreaterThanOrEqual(362 * s);
    expect(cues.flatMap((c) => c.lines).join(" ")).toBe(
      lecture(recordingId)
        .map((x) => x.text)
        .join(" "),
    );
    expect(await read(captions.output.files[0]!.srt)).toMatch(
      /^1\n00:00:25,000 --> 00:00:2\d,\d{3}\nWelcome/,
    );

    // Search finds a spoken phrase (websearch syntax), and not what was never said.
    const search = (q: string) =>
      withTenant(harness.app.database.db, tenantId, (tx) =>
        searchTranscript(tx, sessionId, VERSION, q),
      );
    expect((await search('"pull of the moon" oceans')).map((h) => h.text)).toEqual([
      "Tides come from the pull of the moon on the oceans.",
    ]);
    expect((await search("full moons sunset -cheese")).map((h) => h.startMs)).toEqual([100 * s]);
    expect(await search("photosynthesis")).toEqual([]);

    // Again: the same rows.
    await runStages(tenantId, sessionId);
    expect(await rowsOf(sessionId)).toEqual(rows);
  });

  it("with no transcript: chapters from slides, highlights from the log, a summary of titles and polls, no captions", async () => {
    const { sessionId, tenantId } = await teachLesson();
    const { alignment, derived } = await runStages(tenantId, sessionId);
    expect(alignment.alignment).toMatchObject({ status: "succeeded", output: { segments: [] } });
    const rows = await rowsOf(sessionId);
    expect(rows.chapters.slice(1).map((c) => c.title)).toEqual(TITLES);
    expect(rows.highlights.map((h) => h.kind).sort()).toEqual([
      "chat_burst",
      "poll",
      "question",
      "question",
    ]);
    expect(derived.captions).toEqual({ status: "skipped", reason: "no transcript" });
    expect(derived.summary).toMatchObject({
      status: "succeeded",
      output: { note: "no transcript" },
    });
    expect(rows.summary[0]!.body).toContain(
      "2. Phases of the Moon (0:30)\nQuestion: Why does the moon have phases?",
    );
    expect(rows.summary[0]!.body).toContain("Poll: What pulls the tides?: The moon (2 of 3)");
  });

  it("a summary from the chat endpoint (stand-in); the stand-in failing falls back to extractive and says so", async () => {
    const { sessionId, tenantId, recordingId } = await teachLesson();
    written.push(`captions/${tenantId}/${sessionId}`);
    await withTenant(harness.app.database.db, tenantId, (tx) =>
      replaceTranscript(tx, { tenantId, sessionId, version: VERSION }, lecture(recordingId)),
    );
    const good = await startSummaryStandIn("answer");
    const bad = await startSummaryStandIn("fail");
    try {
      const model = (url: string) => stageDeps({ url, apiKey: "secret", model: "tiny" });
      const first = await runStages(tenantId, sessionId, model(good.url));
      expect(first.derived.summary).toMatchObject({
        status: "succeeded",
        output: { source: "model" },
      });
      expect((await rowsOf(sessionId)).summary[0]!.body).toContain(
        "Model summary of Tides and the Moon.",
      );
      expect(good.requests[0]!.body.messages.at(-1)!.content).toContain("Tides come from the pull");

      const second = await runStages(tenantId, sessionId, model(bad.url));
      expect(second.derived.summary).toMatchObject({
        status: "succeeded",
        output: { source: "extractive", fallback: "summary model failed: HTTP 503" },
      });
      const body = (await rowsOf(sessionId)).summary[0]!.body as string;
      expect(body).not.toContain("Model summary");
      expect(body).toContain("Tides come from the pull of the moon on the oceans.");
    } finally {
      await good.close();
      await bad.close();
    }
  });
});
