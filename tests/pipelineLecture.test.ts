import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseVtt } from "../core/artifacts/captions";
import { wordErrorRate } from "../core/artifacts/wer";
import type { Poll } from "../core/interaction/polls";
import type { Question } from "../core/interaction/questions";
import { loadConfig } from "../core/platform/config";
import { createStorage } from "../core/platform/storage";
import { searchTranscript } from "../db/artifactOutputs";
import { withTenant } from "../db/tenantContext";
import { startPipelineWorkers } from "../jobs/pipeline";
import { stageDeps } from "../jobs/role";
import { sweepEndedClasses } from "../jobs/sweep";
import { callAs, classClock, presenterSlides } from "./support/lecture";
import { makeLectureDeck } from "./support/lectureDeck";
import { pipelineFinished, privateJobQueue } from "./support/pipeline";
import { asWebm, joinWavs, speak } from "./support/speech";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

/*
 * The whole pipeline on a lecture with real speech: flite speaks a known text
 * in two voices, the teacher's browser recording goes up through the real
 * chunk routes, the slides change through the sync server and the questions,
 * the poll and the chat through their routes, all placed at known times; the
 * class ends, and the real workers (ffmpeg, pocketsphinx, align, derive) make
 * everything the replay shows.
 */

const SECTIONS = [
  {
    title: "The Water Cycle",
    voice: "slt",
    text: "Welcome back everyone. Today we talk about the water cycle and how rain is made. The sun warms the sea and the lakes every day. The warm water turns into vapour and rises into the sky. We cannot see the vapour, but it is all around us in the air.",
  },
  {
    title: "Clouds and Rain",
    voice: "rms",
    text: "Remember this, it is on the exam. The vapour cools high in the air and makes clouds. A cloud is made of many small drops of water. The drops join and grow bigger. When the drops grow heavy they fall to the ground as rain or snow.",
  },
  {
    title: "Rivers and the Sea",
    voice: "slt",
    text: "The rain runs down the hills into small streams. The streams join and make rivers. The rivers carry the water back to the sea. Some water goes into the ground and feeds the plants. Then the whole cycle begins again.",
  },
];
/** Where the recording starts on the class's clock, and the pause between sections (a slide shown under 20 s is no chapter). */
const RECORDING_AT = 5;
const PAUSE_MS = 9_000;
/** Fixed bound for flite speech through pocketsphinx (measured 0.25–0.30 on these voices). */
const WER_BOUND = 0.4;

const harness = classroomHarness();
const { owner } = harness;
let boss: PgBoss;
let schema: string;
const config = loadConfig({ NODE_ENV: "production", ...inject("serverEnv") });

beforeAll(async () => {
  let log;
  ({ boss, schema, log } = await privateJobQueue(harness.app.database));
  await startPipelineWorkers({
    boss,
    db: harness.app.database.db,
    log,
    pollingIntervalSeconds: 0.5,
    deps: await stageDeps(config, log),
  });
}, 60_000);
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await owner.pool.query(`drop schema if exists ${schema} cascade`);
});

const run = promisify(execFile);
async function seconds(file: string): Promise<number> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    file,
  ]);
  return Number(stdout.trim());
}

/** The lecture's audio, and where each section starts on the class's clock (seconds). */
async function lectureAudio() {
  const files = await Promise.all(SECTIONS.map((s) => speak(s.text, s.voice)));
  const starts: number[] = [];
  let at = RECORDING_AT;
  for (const file of files) {
    starts.push(at);
    at += (await seconds(file)) + PAUSE_MS / 1000;
  }
  const webm = await asWebm(await joinWavs(files, { silenceMs: PAUSE_MS }));
  return { webm, starts, endsAt: Math.ceil(at) };
}

describe("the artifact pipeline on a lecture with real speech", () => {
  it("transcribes, aligns, chapters, highlights, captions and makes it searchable", async () => {
    const audio = await lectureAudio();
    const live = await harness.sync.liveClass(["student1", "student2", "student3"]);
    const { sessionId, teacher, students } = live;
    const [sam, sara, sol] = students as [Browser, Browser, Browser];
    const clock = classClock(owner.pool, sessionId);
    await clock.mark(0);

    const upload = await teacher.api(`/api/sessions/${sessionId}/decks?name=Water.pdf`, {
      body: makeLectureDeck(SECTIONS.map((s) => ({ title: s.title, lines: ["Earth science"] }))),
      headers: { "content-type": "application/pdf" },
    });
    expect(upload.status).toBe(201);
    const { deck } = (await upload.json()) as { deck: { deckId: string } };
    await clock.mark(1);

    // The teacher's browser records and uploads in chunks, through the real routes.
    const { recording } = await callAs<{ recording: { id: string; maxChunkBytes: number } }>(
      teacher,
      `/api/sessions/${sessionId}/recordings`,
    );
    await clock.mark(RECORDING_AT);
    const bytes = await readFile(audio.webm);
    const chunks = Math.ceil(bytes.length / recording.maxChunkBytes);
    for (let i = 0; i < chunks; i += 1) {
      const part = bytes.subarray(i * recording.maxChunkBytes, (i + 1) * recording.maxChunkBytes);
      const put = await teacher.api(`/api/recordings/${recording.id}/chunks/${i}`, {
        method: "PUT",
        body: part,
      });
      expect(put.status).toBe(200);
    }

    const host = await harness.sync.open(teacher, sessionId);
    const show = presenterSlides(owner.pool, sessionId, host, deck.deckId, clock);
    const [first, second, third] = audio.starts as [number, number, number];
    await show(1, first);

    const questions = `/api/sessions/${sessionId}/questions`;
    const { question } = await callAs<{ question: Question }>(sam, questions, {
      body: "Where does the water go after it rains?",
    });
    await callAs(sara, `${questions}/${question.questionId}`, { action: "upvote" });
    await callAs(sol, `${questions}/${question.questionId}`, { action: "upvote" });
    await clock.mark(first + 3);

    await show(2, second);
    const polls = `/api/sessions/${sessionId}/polls`;
    const { poll } = await callAs<{ poll: Poll }>(teacher, polls, {
      prompt: "What makes clouds?",
      kind: "single",
      options: [{ label: "Cooling vapour" }, { label: "Wind" }],
    });
    await callAs(teacher, `${polls}/${poll.pollId}`, { action: "open" });
    const [vapour] = poll.options as [Poll["options"][0]];
    for (const who of [sam, sara, sol]) {
      await callAs(who, `${polls}/${poll.pollId}/votes`, { optionIds: [vapour.optionId] });
    }
    await callAs(teacher, `${polls}/${poll.pollId}`, { action: "close", shareResults: true });
    await clock.mark(second + 4);

    await show(3, third);
    for (const who of [sam, sara, sol, sam, sara, sol]) {
      await callAs(who, `/api/sessions/${sessionId}/chat`, { body: "Rivers!" });
    }
    await clock.mark(third + 2);
    await callAs(teacher, `/api/recordings/${recording.id}/complete`, {
      totalChunks: chunks,
      durationMs: (audio.endsAt - RECORDING_AT) * 1000,
      mime: "audio/webm;codecs=opus",
    });
    await callAs(teacher, `/api/sessions/${sessionId}/end`);
    await clock.mark(audio.endsAt);
    await clock.apply();

    // This test's web app has no trigger: the sweep finds the ended class, as it would after a
    // crash (its clock says the class ends a little from now, so the sweep looks from an hour on).
    const queued = await sweepEndedClasses(
      {
        boss,
        db: harness.app.database.db,
        directory: harness.app.database.directory.db,
        log: { info() {}, warn() {}, error() {}, debug() {} } as never,
        graceSeconds: 0,
        tenantIds: [live.tenantId],
      },
      new Date(Date.now() + 3_600_000),
    );
    expect(queued).toContain(sessionId);
    const rows = await pipelineFinished(owner.pool, sessionId, 120_000);
    for (const row of rows) {
      expect(row.status, `${row.kind}: ${JSON.stringify(row.output)} ${row.error}`).toBe(
        "succeeded",
      );
    }

    // Speech: the known text, within a fixed word error rate.
    const { rows: segments } = await owner.pool.query<{
      text: string;
      start_ms: number;
      speaker_label: string | null;
    }>(
      "select text, start_ms, speaker_label from transcript_segments where session_id = $1 order by start_ms",
      [sessionId],
    );
    const heard = segments.map((s) => s.text).join(" ");
    const { wer } = wordErrorRate(SECTIONS.map((s) => s.text).join(" "), heard);
    expect(wer, heard).toBeLessThan(WER_BOUND);
    expect(segments.every((s) => s.speaker_label)).toBe(true);

    // Chapters: one per slide, each within ±2 s of its change, titled from the slide's text.
    const { rows: chapters } = await owner.pool.query<{ start_ms: number; title: string }>(
      "select start_ms, title from chapters where session_id = $1 order by position",
      [sessionId],
    );
    const slideChapters = chapters.filter((c) => SECTIONS.some((s) => c.title === s.title));
    expect(slideChapters.map((c) => c.title)).toEqual(SECTIONS.map((s) => s.title));
    // The first takes in the few seconds before its slide; every boundary after it is a slide change.
    expect(slideChapters[0]!.start_ms).toBeLessThanOrEqual(audio.starts[0]! * 1000);
    slideChapters.slice(1).forEach((chapter, i) => {
      expect(Math.abs(chapter.start_ms - audio.starts[i + 1]! * 1000)).toBeLessThanOrEqual(2_000);
    });

    // Highlights: the top-voted question and the poll, at their times.
    const { rows: highlights } = await owner.pool.query<{
      kind: string;
      title: string;
      start_ms: number;
    }>("select kind, title, start_ms from highlights where session_id = $1", [sessionId]);
    const asked = highlights.find((h) => h.kind === "question");
    expect(asked?.title).toContain("Where does the water go");
    expect(Math.abs(asked!.start_ms - first * 1000)).toBeLessThanOrEqual(3_500);
    const polled = highlights.find((h) => h.kind === "poll");
    expect(polled?.title).toContain("What makes clouds?");
    expect(Math.abs(polled!.start_ms - (second + 4) * 1000)).toBeLessThanOrEqual(4_500);

    // Captions: valid WebVTT, covering the speech.
    const captions = rows.find((r) => r.kind === "captions")!;
    const vttKey = (captions.output as { files: { vtt: string }[] }).files[0]!.vtt;
    const parts: Buffer[] = [];
    for await (const part of await createStorage(config).get(vttKey)) parts.push(part as Buffer);
    const cues = parseVtt(Buffer.concat(parts).toString("utf8"));
    expect(cues.length).toBeGreaterThan(3);
    const spoken = cues.flatMap((c) => c.lines).join(" ");
    expect(wordErrorRate(heard, spoken).wer).toBeLessThan(0.05);

    // Search: a spoken phrase finds its moment (the second section's), and an unspoken one nothing.
    const found = await withTenant(harness.app.database.db, live.tenantId, (tx) =>
      searchTranscript(tx, sessionId, 1, "small drops of water"),
    );
    expect(found.length).toBeGreaterThan(0);
    // On the recording's clock, as its player plays it.
    expect(found[0]!.startMs).toBeGreaterThanOrEqual((second - RECORDING_AT) * 1000 - 2_000);
    expect(found[0]!.startMs).toBeLessThan((third - RECORDING_AT) * 1000);
    const none = await withTenant(harness.app.database.db, live.tenantId, (tx) =>
      searchTranscript(tx, sessionId, 1, "photosynthesis"),
    );
    expect(none).toEqual([]);
  }, 180_000);
});
