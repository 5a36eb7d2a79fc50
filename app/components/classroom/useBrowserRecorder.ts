import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, callApi } from "./api";

export type RecorderState =
  | { phase: "idle" }
  | { phase: "recording"; uploaded: number; total: number }
  | { phase: "finishing"; uploaded: number; total: number }
  | { phase: "done" }
  | { phase: "failed"; message: string };

const TIMESLICE_MS = 5_000;
const MIME_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

/**
 * Record the presenter's microphone in the browser (when LiveKit does not
 * record the class) and upload it as it goes: a chunk every few seconds, each
 * retried until stored, kept in memory until the server has assembled the
 * whole recording, so a flaky network never loses a second of it.
 */
export function useBrowserRecorder() {
  const [state, setState] = useState<RecorderState>({ phase: "idle" });
  const session = useRef<{
    recordingId: string;
    recorder: MediaRecorder;
    stream: MediaStream;
    chunks: Blob[];
    uploaded: Set<number>;
    queue: Promise<void>;
    startedAt: number;
    mime: string;
    maxChunkBytes: number;
  } | null>(null);

  const report = useCallback((phase: "recording" | "finishing") => {
    const s = session.current;
    if (s) setState({ phase, uploaded: s.uploaded.size, total: s.chunks.length });
  }, []);

  const upload = useCallback(
    async (index: number) => {
      const s = session.current!;
      for (let attempt = 0; ; attempt += 1) {
        try {
          await callApi(`/api/recordings/${s.recordingId}/chunks/${index}`, {
            method: "PUT",
            body: s.chunks[index]!,
          });
          s.uploaded.add(index);
          report(s.recorder.state === "recording" ? "recording" : "finishing");
          return;
        } catch (error) {
          // Refusals other than network trouble will not get better by retrying.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw error;
          await new Promise((r) => setTimeout(r, Math.min(30_000, 1_000 * 2 ** attempt)));
        }
      }
    },
    [report],
  );

  const start = useCallback(
    async (recording: { id: string; maxChunkBytes: number | null }) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mime = MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
      const recorder = new MediaRecorder(stream, mime ? { mimeType: mime } : undefined);
      const s = {
        recordingId: recording.id,
        recorder,
        stream,
        chunks: [] as Blob[],
        uploaded: new Set<number>(),
        queue: Promise.resolve(),
        startedAt: Date.now(),
        mime: recorder.mimeType || mime || "audio/webm",
        maxChunkBytes: recording.maxChunkBytes ?? 5 * 1024 * 1024,
      };
      session.current = s;
      recorder.ondataavailable = (event) => {
        if (event.data.size === 0) return;
        // A slice larger than the server accepts is split (the bytes are just concatenated).
        for (let offset = 0; offset < event.data.size; offset += s.maxChunkBytes) {
          const index = s.chunks.push(event.data.slice(offset, offset + s.maxChunkBytes)) - 1;
          s.queue = s.queue.then(() => upload(index));
        }
        report(recorder.state === "recording" ? "recording" : "finishing");
      };
      recorder.start(TIMESLICE_MS);
      setState({ phase: "recording", uploaded: 0, total: 0 });
    },
    [upload, report],
  );

  /** Stop recording, finish uploading and have the server assemble the file. */
  const stop = useCallback(async () => {
    const s = session.current;
    if (!s) return;
    if (s.recorder.state !== "inactive") {
      const stopped = new Promise((resolve) => (s.recorder.onstop = resolve));
      s.recorder.stop();
      await stopped;
    }
    s.stream.getTracks().forEach((track) => track.stop());
    report("finishing");
    try {
      await s.queue;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          await callApi(`/api/recordings/${s.recordingId}/complete`, {
            json: {
              totalChunks: s.chunks.length,
              durationMs: Date.now() - s.startedAt,
              mime: s.mime.split(";")[0],
            },
          });
          session.current = null;
          setState({ phase: "done" });
          return;
        } catch (error) {
          const missing = (error as ApiError).details as { missing?: number[] } | undefined;
          if (!(error instanceof ApiError) || error.status !== 409 || !missing?.missing)
            throw error;
          for (const index of missing.missing) await upload(index);
        }
      }
      throw new Error("The recording could not be completed.");
    } catch (error) {
      setState({
        phase: "failed",
        message: error instanceof Error ? error.message : "The recording could not be uploaded.",
      });
    }
  }, [upload, report]);

  // Leaving the page mid-recording: stop the microphone at least.
  useEffect(() => () => session.current?.stream.getTracks().forEach((track) => track.stop()), []);

  return { state, start, stop };
}
