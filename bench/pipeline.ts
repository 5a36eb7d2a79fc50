/**
 * Artifact pipeline benchmark: a synthetic class (flite speech in two voices,
 * one slide a minute, a question, a poll and chat at known times) from its end
 * to every artifact ready, through Lectern's production build with its real
 * workers (ROLE=all: ffmpeg, PocketSphinx, align, derive) and the default
 * engine. The class runs through the real routes in seconds and is then set
 * on its lesson's clock (tests/support/classClock.ts), so it ends having
 * lasted `classSeconds`. The baseline in the same run is the plain
 * `pocketsphinx_continuous` CLI on the same normalised audio, one process,
 * nothing else. See bench/README.md.
 *
 *   npm run bench:pipeline [-- --quick] [--minutes 10]
 *
 * Progress goes to stderr; the last line of stdout is one JSON object:
 * {"classSeconds", "readySeconds", "ratio", "stages": {name: seconds}, "wer",
 *  "chapterBoundaryMaxErrorSeconds", "baseline": {...}}.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { connectStudio } from "../app/components/studio/studioSync";
import { wordErrorRate } from "../core/artifacts/wer";
import { createDb } from "../db/client";
import { createScratchDatabase } from "../db/scratchDatabase";
import { classClock } from "../tests/support/classClock";
import { makeLectureDeck } from "../tests/support/lectureDeck";
import { asWebm, joinWavs, speak } from "../tests/support/speech";
import { demoTeacher, scheduleTomorrow } from "./support/demoClass";
import { childProcesses, signIn } from "./support/server";
import { round } from "./support/stats";

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, minutes: { type: "string" } },
});
const MINUTES = Number(values.minutes ?? (values.quick ? 2 : 10));
const RECORDING_AT = 5;
const log = (message: string) => process.stderr.write(`bench:pipeline ${message}\n`);
const run = promisify(execFile);

/** Sentences a teacher might say; a minute's section takes them in turn. */
const SENTENCES = [
  "Today we look at how water moves around our planet.",
  "The sun warms the sea and the lakes every day.",
  "Warm water turns into vapour and rises into the sky.",
  "High in the air the vapour cools and makes clouds.",
  "A cloud is made of many small drops of water.",
  "When the drops grow heavy they fall as rain or snow.",
  "Rain runs down the hills into streams and rivers.",
  "The rivers carry the water back to the sea.",
  "Some water goes into the ground and feeds the plants.",
  "Plants give water back to the air through their leaves.",
  "Remember this, it is on the exam.",
  "Then the whole cycle begins again.",
];
const TOPICS = [
  "The Water Cycle",
  "Evaporation",
  "Clouds",
  "Rain and Snow",
  "Rivers",
  "The Sea",
  "Ground Water",
  "Plants",
  "Weather",
  "Review",
];

async function seconds(file: string): Promise<number> {
  const { stdout } = await run("ffprobe", [
    ...["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file],
  ]);
  return Number(stdout.trim());
}

/** The pause between two sections (the teacher changing the slide). */
const PAUSE_SECONDS = 5;

/** A section a minute: its slide's title, its text and its speech, joined with pauses. */
async function lecture(minutes: number) {
  const sections: { title: string; text: string; at: number }[] = [];
  const files: string[] = [];
  let next = 0;
  let at = RECORDING_AT;
  for (let m = 0; m < minutes; m += 1) {
    const voice = m % 2 === 0 ? "slt" : "rms";
    const parts: string[] = [];
    const spoken: string[] = [];
    let length = 0;
    while (length < 60 - PAUSE_SECONDS) {
      const sentence = SENTENCES[next++ % SENTENCES.length]!;
      const file = await speak(sentence, voice);
      length += (await seconds(file)) + 0.5;
      parts.push(sentence);
      spoken.push(file);
    }
    const file = await joinWavs(spoken, { silenceMs: 500 });
    const title = m < TOPICS.length ? TOPICS[m]! : `${TOPICS[m % TOPICS.length]} ${m + 1}`;
    sections.push({ title, text: parts.join(" "), at });
    files.push(file);
    at += (await seconds(file)) + PAUSE_SECONDS;
  }
  const audio = await joinWavs(files, { silenceMs: PAUSE_SECONDS * 1000 });
  return { sections, audio, seconds: await seconds(audio) };
}

const database = await createScratchDatabase("bench_pipeline");
const owner = createDb(database.ownerUrl, { max: 4 });
const app = createDb(database.url, { max: 4 });
const storageDir = await mkdtemp(path.join(tmpdir(), "lectern-bench-pipeline-"));
const processes = childProcesses();
try {
  log(`speaking a ${MINUTES}-minute lecture with flite`);
  const { sections, audio, seconds: joinedSeconds } = await lecture(MINUTES);
  const classSeconds = Math.ceil(RECORDING_AT + joinedSeconds + 2);
  const webm = await asWebm(audio);

  const lectern = await processes.startLectern({
    ...database.env,
    STORAGE_DIR: storageDir,
    PIPELINE_SWEEP_GRACE_SECONDS: "3600",
  });
  const url = lectern.url;
  log(`Lectern ready on ${url}`);
  const teacher = await demoTeacher(owner.pool);
  const session = await scheduleTomorrow(app, teacher, "Pipeline benchmark");
  const [teacherCookie, ...studentCookies] = await Promise.all(
    ["teacher", "student1", "student2", "student3"].map((who) =>
      signIn(url, `${who}@demo.lectern.test`),
    ),
  );
  await owner.pool.query(
    `insert into enrollments (tenant_id, session_id, user_id)
     select $1, $2, u.id from users u where u.email like 'student_@demo.lectern.test'
     on conflict do nothing`,
    [teacher.tenantId, session.id],
  );
  const call = async <T>(cookie: string, route: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${url}${route}`, {
      method: "POST",
      ...init,
      headers: {
        cookie,
        origin: url,
        "idempotency-key": `bench-${randomUUID()}`,
        ...(typeof init.body === "string" ? { "content-type": "application/json" } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const json = (value: unknown) => ({ body: JSON.stringify(value) });
  const api = `/api/sessions/${session.id}`;

  await call(teacherCookie!, `${api}/start`);
  for (const cookie of studentCookies) await call(cookie, `${api}/join`);
  const clock = classClock(owner.pool, session.id);
  await clock.mark(0);
  const { deck } = await call<{ deck: { deckId: string } }>(
    teacherCookie!,
    `${api}/decks?name=Water.pdf`,
    {
      body: Buffer.from(
        makeLectureDeck(sections.map((s) => ({ title: s.title, lines: ["Earth science"] }))),
      ),
      headers: { "content-type": "application/pdf" },
    },
  );
  const { recording } = await call<{ recording: { id: string; maxChunkBytes: number } }>(
    teacherCookie!,
    `${api}/recordings`,
  );
  await clock.mark(RECORDING_AT);
  const bytes = await readFile(webm);
  const chunks = Math.ceil(bytes.length / recording.maxChunkBytes);
  for (let i = 0; i < chunks; i += 1) {
    await call(teacherCookie!, `/api/recordings/${recording.id}/chunks/${i}`, {
      method: "PUT",
      body: Buffer.from(
        bytes.subarray(i * recording.maxChunkBytes, (i + 1) * recording.maxChunkBytes),
      ),
      headers: { "content-type": "application/octet-stream" },
    });
  }

  // The slides change through the sync server, as the presenter's studio changes them.
  const studio = connectStudio({
    url: `${url.replace("http", "ws")}/sync`,
    name: `session:${session.id}`,
    token: async () => (await call<{ token: string }>(teacherCookie!, `${api}/sync-token`)).token,
    onChange() {},
    WebSocketPolyfill: WebSocket,
  });
  const synced = async () => {
    for (;;) {
      const provider = studio.snapshot().provider;
      if (provider?.isSynced && !provider.hasUnsyncedChanges) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await synced();
  const slides = studio.snapshot().doc.getMap("slides");
  for (const [i, section] of sections.entries()) {
    if (i === 0) slides.set("deck", deck.deckId);
    else slides.set(deck.deckId, i + 1);
    await synced();
    // The sync server logs after the ack: wait for the change to be in the log.
    for (;;) {
      const { rows } = await owner.pool.query(
        "select count(*)::int as n from session_state_events where session_id = $1 and type = 'slide.changed'",
        [session.id],
      );
      if (rows[0]!.n === i + 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await clock.mark(section.at);
    if (i === 0) {
      const { question } = await call<{ question: { questionId: string } }>(
        studentCookies[0]!,
        `${api}/questions`,
        json({ body: "Where does the water go after it rains?" }),
      );
      for (const cookie of studentCookies.slice(1)) {
        await call(cookie, `${api}/questions/${question.questionId}`, json({ action: "upvote" }));
      }
      await clock.mark(section.at + 10);
    }
    if (i === 1 || (sections.length === 1 && i === 0)) {
      const { poll } = await call<{ poll: { pollId: string; options: { optionId: string }[] } }>(
        teacherCookie!,
        `${api}/polls`,
        json({
          prompt: "What makes clouds?",
          kind: "single",
          options: [{ label: "Cooling vapour" }, { label: "Wind" }],
        }),
      );
      await call(teacherCookie!, `${api}/polls/${poll.pollId}`, json({ action: "open" }));
      for (const cookie of studentCookies) {
        await call(
          cookie,
          `${api}/polls/${poll.pollId}/votes`,
          json({ optionIds: [poll.options[0]!.optionId] }),
        );
      }
      await call(
        teacherCookie!,
        `${api}/polls/${poll.pollId}`,
        json({ action: "close", shareResults: true }),
      );
      await clock.mark(section.at + 20);
    }
    if (i === sections.length - 1) {
      for (const cookie of [...studentCookies, ...studentCookies]) {
        await call(cookie, `${api}/chat`, json({ body: "Thank you!" }));
      }
      await clock.mark(section.at + 30);
    }
  }
  studio.destroy();
  await call(teacherCookie!, `/api/recordings/${recording.id}/complete`, {
    ...json({
      totalChunks: chunks,
      durationMs: Math.round(joinedSeconds * 1000),
      mime: "audio/webm;codecs=opus",
    }),
  });
  await clock.mark(classSeconds);
  // The class began classSeconds ago and ends now.
  await clock.apply({ startedAt: new Date(Date.now() - classSeconds * 1000) });

  log(`a ${classSeconds} s class ends; waiting for its artifacts`);
  const endedAt = performance.now();
  await call(teacherCookie!, `${api}/end`);
  const kinds = [
    "audio",
    "transcript",
    "alignment",
    "chapters",
    "highlights",
    "summary",
    "captions",
  ];
  const stageKind = {
    ingest: "audio",
    transcribe: "transcript",
    align: "alignment",
    derive: "chapters",
  };
  const started = new Map<string, number>();
  const done = new Map<string, number>();
  for (;;) {
    const { rows } = await owner.pool.query<{ kind: string; status: string; error: string }>(
      "select kind, status, error from artifacts where session_id = $1",
      [session.id],
    );
    const now = performance.now();
    for (const row of rows) {
      if (row.status !== "pending" && !started.has(row.kind)) started.set(row.kind, now);
      if (["succeeded", "skipped"].includes(row.status) && !done.has(row.kind))
        done.set(row.kind, now);
      if (row.status === "dead") throw new Error(`${row.kind} died: ${row.error}`);
    }
    if (kinds.every((k) => done.has(k))) break;
    if (now - endedAt > 20 * 60_000) throw new Error("the artifacts were not ready in 20 minutes");
    await new Promise((r) => setTimeout(r, 100));
  }
  const readySeconds = (Math.max(...done.values()) - endedAt) / 1000;
  const stages = Object.fromEntries(
    Object.entries(stageKind).map(([stage, kind]) => [
      stage,
      round((done.get(kind)! - (started.get(kind) ?? endedAt)) / 1000, 2),
    ]),
  );

  const { rows: segments } = await owner.pool.query<{ text: string }>(
    "select text from transcript_segments where session_id = $1 order by start_ms",
    [session.id],
  );
  const heard = segments.map((s) => s.text).join(" ");
  const wer = wordErrorRate(sections.map((s) => s.text).join(" "), heard).wer;
  const { rows: chapters } = await owner.pool.query<{ start_ms: number; title: string }>(
    "select start_ms, title from chapters where session_id = $1 order by position",
    [session.id],
  );
  // Every boundary after the first chapter, against the slide change of the same title.
  const boundaryErrors = chapters.slice(1).map((chapter) => {
    const section = sections.find((s) => chapter.title.startsWith(s.title));
    return section ? Math.abs(chapter.start_ms / 1000 - section.at) : Number.POSITIVE_INFINITY;
  });

  // Baseline: the plain CLI on the same normalised audio, nothing else.
  const baselineStart = performance.now();
  const model = "/usr/share/pocketsphinx/model/en-us";
  await run(
    "pocketsphinx_continuous",
    [
      ...["-infile", audio, "-time", "no", "-logfn", "/dev/null"],
      ...[
        "-hmm",
        `${model}/en-us`,
        "-lm",
        `${model}/en-us.lm.bin`,
        "-dict",
        `${model}/cmudict-en-us.dict`,
      ],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const baselineSeconds = (performance.now() - baselineStart) / 1000;

  const result = {
    classSeconds,
    readySeconds: round(readySeconds, 2),
    ratio: round(readySeconds / classSeconds, 3),
    stages,
    wer: round(wer, 3),
    chapterBoundaryMaxErrorSeconds: round(Math.max(0, ...boundaryErrors), 2),
    chapters: chapters.length,
    slides: sections.length,
    engine: "pocketsphinx",
    baseline: {
      name: "pocketsphinx_continuous on the same audio, one process",
      seconds: round(baselineSeconds, 2),
      ratio: round(baselineSeconds / classSeconds, 3),
    },
    readyVsBaseline: round(readySeconds / baselineSeconds, 2),
  };
  console.log(JSON.stringify(result));
} finally {
  await processes.stopAll();
  await owner.close();
  await app.close();
  await database.drop();
  await rm(storageDir, { recursive: true, force: true });
}
