import { openAsBlob } from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  textOf,
  type Segment,
  type Transcriber,
  type TranscribeInput,
  type Word,
} from "./transcriber";

/*
 * Any OpenAI-compatible transcription endpoint (POST …/v1/audio/transcriptions):
 * the piece as a multipart upload, `response_format=verbose_json` with word and
 * segment timestamps. The class's vocabulary goes in `prompt`, which these
 * models use to spell names and terms.
 */

export type TranscribeErrorCode =
  | "unauthorized"
  | "rate_limited"
  | "rejected"
  | "server_error"
  | "timeout"
  | "network"
  | "invalid_response";

export class TranscribeError extends Error {
  override name = "TranscribeError";
  constructor(
    readonly code: TranscribeErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface OpenAiTranscriberOptions {
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  language?: string;
}

const verboseJson = z.object({
  text: z.string().optional(),
  duration: z.number().optional(),
  segments: z
    .array(z.object({ start: z.number(), end: z.number(), text: z.string() }))
    .optional()
    .default([]),
  words: z
    .array(z.object({ word: z.string(), start: z.number(), end: z.number() }))
    .optional()
    .default([]),
});

export function openaiTranscriber(options: OpenAiTranscriberOptions): Transcriber {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  return {
    engine: "openai",
    async transcribe(input: TranscribeInput): Promise<Segment[]> {
      const form = new FormData();
      form.append(
        "file",
        await openAsBlob(input.wavPath, { type: "audio/wav" }),
        path.basename(input.wavPath),
      );
      form.append("model", options.model);
      form.append("response_format", "verbose_json");
      form.append("timestamp_granularities[]", "word");
      form.append("timestamp_granularities[]", "segment");
      if (options.language) form.append("language", options.language);
      if (input.vocabulary?.length)
        form.append("prompt", input.vocabulary.join(", ").slice(0, 800));
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
          body: form,
          signal,
        });
      } catch (error) {
        throw requestError(error, timeout, timeoutMs);
      }
      let body: string;
      try {
        body = await response.text();
      } catch (error) {
        throw requestError(error, timeout, timeoutMs);
      }
      if (!response.ok) throw statusError(response.status, body);
      let parsed;
      try {
        parsed = verboseJson.parse(JSON.parse(body));
      } catch {
        throw new TranscribeError(
          "invalid_response",
          "The transcription endpoint answered something other than verbose_json.",
          response.status,
        );
      }
      return toSegments(parsed, input.durationMs);
    },
  };
}

function requestError(error: unknown, timeout: AbortSignal, timeoutMs: number): Error {
  if (timeout.aborted) {
    return new TranscribeError(
      "timeout",
      `The transcription endpoint did not answer within ${timeoutMs / 1000} s.`,
    );
  }
  if ((error as Error).name === "AbortError") return error as Error;
  return new TranscribeError(
    "network",
    `Could not reach the transcription endpoint: ${(error as Error).message}`,
  );
}

function statusError(status: number, body: string): TranscribeError {
  const detail = apiMessage(body);
  const said = detail ? `: ${detail}` : "";
  if (status === 401 || status === 403) {
    return new TranscribeError(
      "unauthorized",
      `The transcription endpoint refused the key (TRANSCRIBE_API_KEY)${said}`,
      status,
    );
  }
  if (status === 429)
    return new TranscribeError(
      "rate_limited",
      `The transcription endpoint is rate limiting us${said}`,
      status,
    );
  if (status >= 500)
    return new TranscribeError(
      "server_error",
      `The transcription endpoint failed (${status})${said}`,
      status,
    );
  return new TranscribeError(
    "rejected",
    `The transcription endpoint rejected the audio (${status})${said}`,
    status,
  );
}

function apiMessage(body: string): string | null {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message.slice(0, 300) : null;
  } catch {
    return body ? body.slice(0, 300) : null;
  }
}

const ms = (seconds: number, durationMs: number) =>
  Math.min(Math.max(0, Math.round(seconds * 1000)), Math.max(0, Math.round(durationMs)));

/** verbose_json → segments, each with the words that start inside it. */
export function toSegments(body: z.infer<typeof verboseJson>, durationMs = Infinity): Segment[] {
  const words: Word[] = body.words
    .map((w) => ({
      word: w.word.trim(),
      startMs: ms(w.start, durationMs),
      endMs: ms(w.end, durationMs),
    }))
    .filter((w) => w.word.length > 0)
    .map((w) => ({ ...w, endMs: Math.max(w.endMs, w.startMs) }));
  const spans = body.segments.length
    ? body.segments
    : words.length
      ? [
          {
            start: words[0]!.startMs / 1000,
            end: words.at(-1)!.endMs / 1000,
            text: body.text ?? "",
          },
        ]
      : [];
  let next = 0;
  return spans
    .map((span, i) => {
      const startMs = ms(span.start, durationMs);
      const endMs = Math.max(ms(span.end, durationMs), startMs);
      const last = i === spans.length - 1;
      const own: Word[] = [];
      while (next < words.length && (last || words[next]!.startMs < endMs))
        own.push(words[next++]!);
      return { startMs, endMs, text: span.text.trim() || textOf(own), words: own };
    })
    .filter((s) => s.text.length > 0 || s.words.length > 0);
}
