import { z } from "zod";
import { withDefaultUser } from "../../db/client";

/**
 * Every environment variable Lectern reads, parsed once at start-up.
 * `.env.example` documents each of them; keep the two in step.
 */
const DEV_AUTH_SECRET = "lectern-development-secret-do-not-use-in-production";

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== ""
      );
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL with a host");

/** A size in bytes: at least 1 KiB, at most 1 GiB. */
const bytes = z.coerce
  .number()
  .int()
  .min(1024)
  .max(1024 ** 3);

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    ROLE: z.enum(["all", "web", "sync", "jobs"]).default("all"),
    HOST: z.string().min(1).default("0.0.0.0"),
    PORT: port.default(3000),
    APP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_APP_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL role name")
      .default("lectern_app"),
    EMBEDDED_PG_PORT: z.preprocess(emptyAsUndefined, port.optional()),
    EMBEDDED_PG_DIR: z.string().min(1).default("./.data/pg"),
    AUTH_SECRET: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, "must be at least 32 characters").optional(),
    ),
    SMTP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
    MAIL_FROM: z.string().min(3).default("Lectern <no-reply@lectern.local>"),
    MAIL_OUTBOX_PAGE: z.preprocess(
      emptyAsUndefined,
      z
        .enum(["true", "false", "1", "0"])
        .transform((v) => v === "true" || v === "1")
        .optional(),
    ),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(100_000).default(10),
    // LiveKit (optional: without LIVEKIT_URL classes run without audio/video).
    LIVEKIT_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^(wss?|https?)$/ }).optional()),
    LIVEKIT_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    LIVEKIT_API_SECRET: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, "must be at least 32 characters").optional(),
    ),
    // Object storage: the local directory by default, S3-compatible when S3_BUCKET is set.
    STORAGE_DIR: z.string().min(1).default("./.data/storage"),
    S3_BUCKET: z.preprocess(emptyAsUndefined, z.string().min(3).max(63).optional()),
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_ENDPOINT: z.preprocess(emptyAsUndefined, z.url().optional()),
    S3_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    S3_SECRET_ACCESS_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    S3_FORCE_PATH_STYLE: z.preprocess(
      emptyAsUndefined,
      z
        .enum(["true", "false", "1", "0"])
        .transform((v) => v === "true" || v === "1")
        .default(true),
    ),
    /** Redis (optional): lets several sync servers share a class (@hocuspocus/extension-redis). */
    REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
    // Live studio limits (sync server): what one connection may send.
    /** Largest WebSocket frame a client may send; a bigger one closes it with 1009. */
    SYNC_MAX_FRAME_BYTES: bytes.default(4 * 1024 * 1024),
    /** Largest single Yjs update (one change); a bigger one is refused with 1009. */
    SYNC_MAX_UPDATE_BYTES: bytes.default(2 * 1024 * 1024),
    /** Largest a class's document may grow; a change past it is refused with 1009. */
    SYNC_MAX_DOCUMENT_BYTES: bytes.default(64 * 1024 * 1024),
    /** Per-connection budget: messages per second sustained, and the burst above it. */
    SYNC_RATE_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(120),
    SYNC_RATE_MESSAGES_BURST: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** Per-connection budget: bytes per second sustained, and the burst above it. */
    SYNC_RATE_BYTES_PER_SECOND: bytes.default(1024 * 1024),
    SYNC_RATE_BYTES_BURST: bytes.default(8 * 1024 * 1024),
    /** How long a connection may stay over budget (slowed) before it is closed. */
    SYNC_RATE_OVER_BUDGET_SECONDS: z.coerce.number().min(0.1).max(600).default(5),
    // Per-person limit on HTTP commands people can repeat fast (chat, questions, upvotes, hands, votes).
    COMMAND_RATE_PER_SECOND: z.coerce.number().min(0.01).max(10_000).default(5),
    COMMAND_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(30),
    /** How often the reconcile job compares live classes with LiveKit's rooms. */
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3_600).default(60),
    /** Artifact pipeline (jobs/): retries per stage, the first retry's delay (doubling), a stage's time limit. */
    PIPELINE_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(4),
    PIPELINE_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
    PIPELINE_STAGE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** How long after its end a class without a pipeline run is left to its own trigger. */
    PIPELINE_SWEEP_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    /** How often a jobs process takes back jobs whose worker died (past their time limit). */
    JOBS_SUPERVISE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
    /** Transcription engine: pocketsphinx (offline, Debian's packages), whisper (WHISPER_MODEL), openai (TRANSCRIBE_URL). */
    TRANSCRIBER: z.enum(["pocketsphinx", "whisper", "openai"]).default("pocketsphinx"),
    /** A whisper.cpp ggml model file, for TRANSCRIBER=whisper. */
    WHISPER_MODEL: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    /** An OpenAI-compatible transcription endpoint (…/v1/audio/transcriptions), for TRANSCRIBER=openai. */
    TRANSCRIBE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    TRANSCRIBE_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    TRANSCRIBE_MODEL: z.string().min(1).default("whisper-1"),
    /** An OpenAI-compatible chat endpoint (…/v1/chat/completions) for summaries; unset: extractive. */
    SUMMARY_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    SUMMARY_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    SUMMARY_MODEL: z.string().min(1).default("gpt-4o-mini"),
    /** The ffmpeg binary the pipeline normalises audio with (Debian's `ffmpeg`). */
    FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
    /** Audio pieces transcribed at once (default: the machine's cores). */
    PIPELINE_PARALLEL_PIECES: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(1).max(64).optional(),
    ),
    SEED_DEMO: z.preprocess(
      emptyAsUndefined,
      z
        .enum(["true", "false", "1", "0"])
        .transform((v) => v === "true" || v === "1")
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    // LiveKit is all or nothing: a URL without credentials would fail at the first class.
    if (env.LIVEKIT_URL) {
      for (const name of ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"] as const) {
        if (!env[name]) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "is required when LIVEKIT_URL is set",
          });
        }
      }
    }
    if (env.S3_BUCKET) {
      for (const name of ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
        if (!env[name]) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "is required when S3_BUCKET is set",
          });
        }
      }
    }
    if (env.TRANSCRIBER === "openai" && !env.TRANSCRIBE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["TRANSCRIBE_URL"],
        message: "is required when TRANSCRIBER=openai",
      });
    }
    if (env.TRANSCRIBER === "whisper" && !env.WHISPER_MODEL) {
      ctx.addIssue({
        code: "custom",
        path: ["WHISPER_MODEL"],
        message: "is required when TRANSCRIBER=whisper",
      });
    }
    if (env.NODE_ENV !== "production") return;
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "is required when NODE_ENV=production (the embedded database is for development)",
      });
    }
    if (!env.AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "is required when NODE_ENV=production (e.g. `openssl rand -hex 32`)",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export type Config = Omit<Env, "AUTH_SECRET" | "SEED_DEMO" | "APP_URL" | "MAIL_OUTBOX_PAGE"> & {
  /** Show the outbox at /dev/mail (defaults on outside production: it shows everyone's mail). */
  MAIL_OUTBOX_PAGE: boolean;
  AUTH_SECRET: string;
  APP_URL: string;
  /** Seed the demo school on a fresh database (defaults on outside production). */
  SEED_DEMO: boolean;
};

/** A configuration problem, phrased as one line that names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join(".") || "environment";
    // Never echo the value: it may be a secret or a password-bearing URL.
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? "is invalid"}`);
  }
  const env = parsed.data;
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL && withDefaultUser(env.DATABASE_URL),
    AUTH_SECRET: env.AUTH_SECRET ?? DEV_AUTH_SECRET,
    APP_URL: env.APP_URL ?? `http://localhost:${env.PORT}`,
    SEED_DEMO: env.SEED_DEMO ?? env.NODE_ENV !== "production",
    MAIL_OUTBOX_PAGE: env.MAIL_OUTBOX_PAGE ?? env.NODE_ENV !== "production",
  };
}

/** A database URL with its password masked, safe to print. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}
