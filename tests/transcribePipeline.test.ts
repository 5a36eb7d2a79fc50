import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pocketsphinxTranscriber } from "../core/artifacts/pocketsphinx";
import { wordErrorRate } from "../core/artifacts/wer";
import { endClass, startClass, type LifecycleDeps } from "../core/classes/lifecycle";
import type { OpenDatabase } from "../core/platform/database";
import { localStorage, type Storage } from "../core/platform/storage";
import { insertRecording } from "../db/liveClass";
import { withTenant } from "../db/tenantContext";
import { pipelineTrigger, startPipelineWorkers } from "../jobs/pipeline";
import { scheduleDemoClass } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import { openTestDatabase, pipelineFinished, privateJobQueue } from "./support/pipeline";
import { asWebm, joinWavs, speak } from "./support/speech";

/*
 * Ingest and transcribe for real, through pg-boss: a browser recording
 * (webm/opus, as MediaRecorder uploads it) in Storage, ffmpeg, pocketsphinx,
 * transcript segments with their words in the database.
 */

const TEXT = [
  "Welcome back everyone. Today we talk about the water cycle and how rain is made.",
  "The sun warms the sea and the water rises into the sky as vapour.",
];
const owner = connect(inject("ownerDatabaseUrl"), 3);
let database: OpenDatabase;
let boss: PgBoss;
let schema: string;
let storageDir: string;
let storage: Storage;

beforeAll(async () => {
  database = await openTestDatabase();
  let log;
  ({ boss, schema, log } = await privateJobQueue(database));
  storageDir = await mkdtemp(path.join(tmpdir(), "lectern-pipeline-storage-"));
  storage = localStorage(storageDir);
  await startPipelineWorkers({
    boss,
    db: database.db,
    log,
    pollingIntervalSeconds: 0.5,
    deps: {
      storage,
      ffmpegPath: "ffmpeg",
      transcriber: pocketsphinxTranscriber(),
      parallelPieces: 2,
    },
  });
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await owner.pool.query(`drop schema if exists ${schema} cascade`);
  await database?.close();
  await owner.close();
  await rm(storageDir, { recursive: true, force: true });
});

const deps = (): LifecycleDeps => ({
  db: database.db,
  pool: database.pool,
  media: null,
  pipeline: pipelineTrigger(boss, createQuietLog()),
});
function createQuietLog() {
  return { error() {}, warn() {}, info() {}, debug() {} } as unknown as Parameters<
    typeof pipelineTrigger
  >[1];
}

describe("ingest and transcribe through the pipeline", () => {
  it("turns a browser recording in Storage into transcript segments with words", async () => {
    const { sessionId, tenantId, teacher } = await scheduleDemoClass(database, owner.pool);
    await startClass(deps(), teacher, sessionId);
    const webm = await asWebm(
      await joinWavs([await speak(TEXT[0]!, "slt"), await speak(TEXT[1]!, "rms")]),
    );
    const recordingId = crypto.randomUUID();
    const key = `recordings/${tenantId}/${sessionId}/${recordingId}.webm`;
    await storage.put(key, await readFile(webm), { contentType: "audio/webm" });
    await withTenant(database.db, tenantId, (tx) =>
      insertRecording(tx, {
        id: recordingId,
        tenantId,
        sessionId,
        source: "browser",
        status: "available",
        storageKey: key,
        mime: "audio/webm;codecs=opus",
        endedAt: new Date(),
      }),
    );
    await endClass(deps(), teacher, sessionId);

    const rows = await pipelineFinished(owner.pool, sessionId, 60_000);
    const audio = rows.find((r) => r.kind === "audio")!;
    const transcript = rows.find((r) => r.kind === "transcript")!;
    expect(audio).toMatchObject({ status: "succeeded", progress: 100 });
    expect(transcript, JSON.stringify(transcript)).toMatchObject({
      status: "succeeded",
      progress: 100,
    });

    const out = audio.output as {
      audioKey: string;
      peaksKey: string;
      durationMs: number;
      pieces: unknown[];
      recordingId: string;
    };
    expect(out.recordingId).toBe(recordingId);
    expect(out.durationMs).toBeGreaterThan(8_000);
    expect(out.pieces.length).toBeGreaterThanOrEqual(1);
    const wavHeader = await readFile(path.join(storageDir, ...out.audioKey.split("/")));
    expect(wavHeader.readUInt32LE(24)).toBe(16_000); // sample rate
    expect(wavHeader.readUInt16LE(22)).toBe(1); // mono
    const peaks = JSON.parse(
      await readFile(path.join(storageDir, ...out.peaksKey.split("/")), "utf8"),
    ) as { msPerPeak: number; peaks: number[] };
    expect(peaks.peaks.length).toBe(Math.ceil(out.durationMs / peaks.msPerPeak));
    expect(Math.max(...peaks.peaks)).toBeGreaterThan(20);

    expect(transcript.output).toMatchObject({
      engine: "pocketsphinx",
      pieces: out.pieces.length,
      durationMs: out.durationMs,
    });
    const { words, realTimeFactor } = transcript.output as {
      words: number;
      realTimeFactor: number;
    };
    expect(words).toBeGreaterThan(15);
    expect(realTimeFactor).toBeGreaterThan(0);

    const { rows: segments } = await owner.pool.query<{
      text: string;
      start_ms: number;
      end_ms: number;
      words: { word: string; startMs: number }[];
      recording_id: string;
    }>(
      "select text, start_ms, end_ms, words, recording_id from transcript_segments where session_id = $1 order by start_ms",
      [sessionId],
    );
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((s) => s.recording_id === recordingId)).toBe(true);
    expect(segments.flatMap((s) => s.words)).toHaveLength(words);
    const heard = segments.map((s) => s.text).join(" ");
    expect(heard).not.toMatch(/<|\[|\(\d\)/);
    expect(wordErrorRate(TEXT.join(" "), heard).wer, heard).toBeLessThan(0.35);
  }, 90_000);

  it("still skips a class without a recording", async () => {
    const { sessionId, teacher } = await scheduleDemoClass(database, owner.pool);
    await startClass(deps(), teacher, sessionId);
    await endClass(deps(), teacher, sessionId);
    const rows = await pipelineFinished(owner.pool, sessionId);
    expect(rows.find((r) => r.kind === "audio")).toMatchObject({
      status: "skipped",
      output: { reason: "no recording" },
    });
    expect(rows.find((r) => r.kind === "transcript")).toMatchObject({
      status: "skipped",
      output: { reason: "no recording" },
    });
  });
});
