import { sql, type SQL } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./columns";
import { sessions } from "./classroom";
import { users } from "./identity";
import { tenantId } from "./tenantColumn";

const sessionId = () =>
  uuid("session_id")
    .notNull()
    .references(() => sessions.id, { onDelete: "cascade" });

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const recordings = pgTable(
  "recordings",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    source: text("source", { enum: ["livekit_egress", "browser"] }).notNull(),
    status: text("status", { enum: ["recording", "uploading", "available", "failed"] })
      .notNull()
      .default("recording"),
    egressId: text("egress_id").unique(),
    storageKey: text("storage_key"),
    mime: text("mime"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    durationMs: integer("duration_ms"),
    startedAt: at("started_at").notNull().defaultNow(),
    endedAt: at("ended_at"),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("recordings_session_idx").on(t.sessionId)],
);

export const artifactKinds = [
  "audio",
  "transcript",
  "alignment",
  "captions",
  "chapters",
  "highlights",
  "summary",
] as const;

/** `skipped`: the stage had nothing to work on (no recording); `output.reason` says why. */
export const artifactStatuses = [
  "pending",
  "running",
  "succeeded",
  "skipped",
  "failed",
  "dead",
] as const;

/** One pipeline output per (session, kind, version), with its status for the UI. */
export const artifacts = pgTable(
  "artifacts",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    kind: text("kind", { enum: artifactKinds }).notNull(),
    version: integer("version").notNull().default(1),
    status: text("status", { enum: artifactStatuses }).notNull().default("pending"),
    /** 0..100 while running. */
    progress: integer("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    storageKey: text("storage_key"),
    output: jsonb("output"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("artifacts_session_kind_version_key").on(t.sessionId, t.kind, t.version)],
);

/**
 * Each time a class's artifact pipeline was asked for (the end of the class, a
 * recording becoming available, the sweep, a teacher's re-run), written in the
 * same transaction as the job that runs it: an ended class without a row here
 * has lost its trigger. `version` is the artifact version the run writes: a
 * re-run is the class's highest version + 1, anything else runs the highest again.
 */
export const artifactRuns = pgTable(
  "artifact_runs",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    reason: text("reason", {
      enum: ["session_ended", "room_finished", "recording_available", "sweep", "rerun"],
    }).notNull(),
    version: integer("version").notNull().default(1),
    jobId: uuid("job_id"),
    createdAt: createdAt(),
  },
  (t) => [index("artifact_runs_session_idx").on(t.sessionId, t.version)],
);

export const transcriptSegments = pgTable(
  "transcript_segments",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    recordingId: uuid("recording_id").references(() => recordings.id, { onDelete: "cascade" }),
    /** The pipeline run's version (artifacts.version) that wrote it. */
    version: integer("version").notNull().default(1),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    speakerUserId: uuid("speaker_user_id").references(() => users.id, { onDelete: "set null" }),
    speakerLabel: text("speaker_label"),
    text: text("text").notNull(),
    words: jsonb("words").$type<{ word: string; startMs: number; endMs: number }[]>(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      (): SQL => sql`to_tsvector('english', ${transcriptSegments.text})`,
    ),
  },
  (t) => [
    index("transcript_segments_session_start_idx").on(t.sessionId, t.version, t.startMs),
    index("transcript_segments_search_idx").using("gin", t.searchVector),
  ],
);

export const chapters = pgTable(
  "chapters",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    version: integer("version").notNull().default(1),
    position: integer("position").notNull(),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("chapters_session_version_position_key").on(t.sessionId, t.version, t.position),
  ],
);

export const highlights = pgTable(
  "highlights",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    version: integer("version").notNull().default(1),
    kind: text("kind").notNull(),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    title: text("title").notNull(),
    score: real("score").notNull().default(0),
    sequence: bigint("sequence", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [index("highlights_session_start_idx").on(t.sessionId, t.version, t.startMs)],
);

export const summaries = pgTable(
  "summaries",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    version: integer("version").notNull().default(1),
    body: text("body").notNull(),
    chapterRefs: jsonb("chapter_refs").$type<number[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("summaries_session_version_key").on(t.sessionId, t.version)],
);

export const replays = pgTable("replays", {
  id: id(),
  tenantId: tenantId(),
  sessionId: sessionId().unique(),
  status: text("status", { enum: ["pending", "ready", "failed"] })
    .notNull()
    .default("pending"),
  publishedAt: at("published_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Every replay view and media URL issued, for the school's records. */
export const replayAccessLogs = pgTable(
  "replay_access_logs",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: sessionId(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action", { enum: ["view", "media_url"] }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [index("replay_access_logs_session_idx").on(t.sessionId, t.createdAt)],
);
