import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for an OpenAI-compatible transcription endpoint
 * (POST /v1/audio/transcriptions), for tests: a real HTTP server that parses
 * the multipart upload (with undici's own parser, as a server would), checks
 * the bearer key, records every call and answers verbose_json with the
 * transcript it was given. It fails or hangs on demand.
 */

export interface TranscribeCall {
  authorization: string | null;
  /** Every text field, repeated ones (timestamp_granularities[]) in order. */
  fields: Record<string, string[]>;
  file: { name: string; type: string; size: number; header: string } | null;
}

export interface StandInTranscript {
  text: string;
  segments: { start: number; end: number; text: string }[];
  words: { word: string; start: number; end: number }[];
}

export interface TranscribeStandIn {
  url: string;
  apiKey: string;
  calls: TranscribeCall[];
  /** What the next answers say. */
  answer(transcript: StandInTranscript): void;
  /** Answer the next call with this status and an OpenAI-style error body. */
  failNext(status: number, message?: string): void;
  /** Never answer the next call. */
  hangNext(): void;
  close(): Promise<void>;
}

export async function startTranscribeStandIn(
  apiKey = "standin-transcribe-key",
): Promise<TranscribeStandIn> {
  const calls: TranscribeCall[] = [];
  const failures: { status: number; message: string }[] = [];
  let hangs = 0;
  let transcript: StandInTranscript = { text: "", segments: [], words: [] };

  const server = http.createServer(async (req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || req.url !== "/v1/audio/transcriptions") {
      return json(404, { error: { message: "not found" } });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const parts: Buffer[] = [];
    for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
    const bytes = Buffer.concat(parts);
    let form: FormData;
    try {
      form = await new Request("http://stand-in/", {
        method: "POST",
        headers,
        body: bytes,
      }).formData();
    } catch {
      return json(400, { error: { message: "expected a multipart/form-data upload" } });
    }
    const fields: Record<string, string[]> = {};
    let file: TranscribeCall["file"] = null;
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") (fields[name] ??= []).push(value);
      else {
        const head = Buffer.from(await value.slice(0, 12).arrayBuffer());
        file = {
          name: value.name,
          type: value.type,
          size: value.size,
          header: head.toString("latin1"),
        };
      }
    }
    const authorization = req.headers.authorization ?? null;
    calls.push({ authorization, fields, file });
    if (hangs > 0) {
      hangs--;
      return; // Never answered; the client's timeout must end it.
    }
    const failure = failures.shift();
    if (failure)
      return json(failure.status, { error: { message: failure.message, type: "stand_in" } });
    if (authorization !== `Bearer ${apiKey}`) {
      return json(401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error" },
      });
    }
    if (!file) return json(400, { error: { message: "file is required" } });
    if (fields.response_format?.[0] !== "verbose_json") {
      return json(400, { error: { message: "this stand-in answers verbose_json only" } });
    }
    const granularities = fields["timestamp_granularities[]"] ?? [];
    json(200, {
      task: "transcribe",
      language: "english",
      duration: transcript.segments.at(-1)?.end ?? 0,
      text: transcript.text,
      segments: granularities.includes("segment")
        ? transcript.segments.map((s, id) => ({ id, seek: 0, tokens: [], temperature: 0, ...s }))
        : undefined,
      words: granularities.includes("word") ? transcript.words : undefined,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/audio/transcriptions`,
    apiKey,
    calls,
    answer: (t) => void (transcript = t),
    failNext: (status, message = "stand-in failure") => void failures.push({ status, message }),
    hangNext: () => void hangs++,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
