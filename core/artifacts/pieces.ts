import type { Piece } from "./audio";
import { textOf, type Segment, type Word } from "./transcriber";

/*
 * A long recording is transcribed as pieces (audio.ts cuts them at silences),
 * several at once. Each piece's segments are moved by the piece's start onto
 * the recording's clock and the pieces are joined in order. A piece that
 * fails is tried again on its own; only when it has failed every try does
 * the whole transcription fail.
 */

export class PieceFailedError extends Error {
  override name = "PieceFailedError";
  constructor(
    readonly piece: Piece,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `piece ${piece.index + 1} (${(piece.startMs / 1000).toFixed(1)}–${(piece.endMs / 1000).toFixed(1)} s) failed ${attempts} times: ${reason}`,
    );
  }
}

export interface RunPiecesOptions {
  pieces: readonly Piece[];
  /** At most this many pieces at once. */
  parallel: number;
  /** Tries after the first, per piece. */
  retries?: number;
  /** Transcribe one piece; its times are from the piece's own start. */
  transcribe(piece: Piece, attempt: number): Promise<Segment[]>;
  /** After each piece: how many are done of how many. */
  onPieceDone?(done: number, total: number): void | Promise<void>;
  signal?: AbortSignal;
}

export async function transcribePieces(options: RunPiecesOptions): Promise<Segment[]> {
  const { pieces } = options;
  const retries = options.retries ?? 2;
  const results: Segment[][] = new Array(pieces.length);
  let next = 0;
  let done = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < pieces.length) {
      const piece = pieces[next++]!;
      for (let attempt = 1; ; attempt++) {
        options.signal?.throwIfAborted();
        try {
          results[piece.index] = await options.transcribe(piece, attempt);
          break;
        } catch (error) {
          if (attempt > retries || failed !== null || options.signal?.aborted) {
            failed ??= new PieceFailedError(piece, attempt, error);
            return;
          }
        }
      }
      done++;
      await options.onPieceDone?.(done, pieces.length);
    }
  };
  const workers = Math.max(1, Math.min(options.parallel, pieces.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed !== null) throw failed;
  return mergePieces(pieces.map((piece) => ({ piece, segments: results[piece.index] ?? [] })));
}

/** Each piece's segments on the recording's clock, in order, words kept inside their piece. */
export function mergePieces(parts: readonly { piece: Piece; segments: Segment[] }[]): Segment[] {
  const merged: Segment[] = [];
  for (const { piece, segments } of [...parts].sort((a, b) => a.piece.startMs - b.piece.startMs)) {
    const clamp = (ms: number) =>
      Math.min(Math.max(piece.startMs + ms, piece.startMs), piece.endMs);
    for (const segment of segments) {
      const words = segment.words.map((w) => ({
        word: w.word,
        startMs: clamp(w.startMs),
        endMs: clamp(w.endMs),
      }));
      merged.push({
        startMs: clamp(segment.startMs),
        endMs: clamp(segment.endMs),
        text: segment.text,
        words,
      });
    }
  }
  return merged.sort((a, b) => a.startMs - b.startMs);
}

export interface SegmentLimits {
  /** A pause this long between words starts a new segment… */
  pauseMs: number;
  /** …and so does reaching this length. */
  maxMs: number;
}

/**
 * PocketSphinx's utterances run up to ~100 s; a transcript reads (and is
 * searched and aligned) better in sentences, so segments with words are cut
 * at pauses and at a maximum length. Segments without words are kept.
 */
export function splitSegments(
  segments: readonly Segment[],
  limits: SegmentLimits = { pauseMs: 700, maxMs: 15_000 },
): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    if (segment.words.length === 0) {
      out.push(segment);
      continue;
    }
    let words: Word[] = [];
    const flush = () => {
      if (words.length === 0) return;
      out.push({
        startMs: words[0]!.startMs,
        endMs: words.at(-1)!.endMs,
        text: textOf(words),
        words,
      });
      words = [];
    };
    for (const word of segment.words) {
      const first = words[0];
      const last = words.at(-1);
      if (
        first &&
        last &&
        (word.startMs - last.endMs >= limits.pauseMs || word.endMs - first.startMs > limits.maxMs)
      ) {
        flush();
      }
      words.push(word);
    }
    flush();
  }
  return out;
}
