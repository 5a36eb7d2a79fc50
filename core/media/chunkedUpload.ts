import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import type { Storage } from "../platform/storage";

/**
 * Resumable uploads in chunks, on top of Storage: chunks may arrive in any
 * order and more than once; completing checks that every chunk is there and
 * concatenates them in order. Each chunk is stored under a name carrying its
 * SHA-256, so a repeat with the same bytes is recognised (and one with other
 * bytes refused) without a database.
 *
 *   uploads/<uploadId>/<index, 6 digits>-<sha256>
 */

export const uploadLimits = { maxChunkBytes: 5 * 1024 * 1024, maxChunks: 20_000 };

export type UploadErrorCode =
  "invalid_chunk" | "chunk_too_large" | "chunk_conflict" | "missing_chunks";

export class UploadError extends Error {
  override name = "UploadError";
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    readonly missing?: number[],
  ) {
    super(message);
  }
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,100}$/;
const CHUNK_NAME = /^(\d{6})-([0-9a-f]{64})$/;

const dir = (uploadId: string) => {
  if (!UPLOAD_ID.test(uploadId)) throw new UploadError("invalid_chunk", "Not a valid upload id.");
  return `uploads/${uploadId}`;
};

/** The chunks stored so far: index → storage key and digest. */
async function storedChunks(storage: Storage, uploadId: string) {
  const chunks = new Map<number, { key: string; digest: string }>();
  for (const object of await storage.list(`${dir(uploadId)}/`)) {
    const match = CHUNK_NAME.exec(object.key.split("/").at(-1)!);
    if (match) chunks.set(Number(match[1]), { key: object.key, digest: match[2]! });
  }
  return chunks;
}

/** Store chunk `index`. Identical bytes again: a duplicate, nothing changes. Other bytes: a conflict. */
export async function putChunk(
  storage: Storage,
  uploadId: string,
  index: number,
  bytes: Uint8Array,
  limits = uploadLimits,
): Promise<{ index: number; size: number; duplicate: boolean }> {
  if (!Number.isInteger(index) || index < 0 || index >= limits.maxChunks) {
    throw new UploadError(
      "invalid_chunk",
      `A chunk index is a whole number below ${limits.maxChunks}.`,
    );
  }
  if (bytes.byteLength === 0) throw new UploadError("invalid_chunk", "A chunk cannot be empty.");
  if (bytes.byteLength > limits.maxChunkBytes) {
    throw new UploadError(
      "chunk_too_large",
      `A chunk may be at most ${limits.maxChunkBytes} bytes.`,
    );
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  const existing = (await storedChunks(storage, uploadId)).get(index);
  if (existing) {
    if (existing.digest === digest) return { index, size: bytes.byteLength, duplicate: true };
    throw new UploadError(
      "chunk_conflict",
      `Chunk ${index} was already uploaded with other bytes.`,
    );
  }
  const name = `${dir(uploadId)}/${String(index).padStart(6, "0")}-${digest}`;
  await storage.put(name, bytes);
  return { index, size: bytes.byteLength, duplicate: false };
}

export async function receivedChunks(storage: Storage, uploadId: string): Promise<number[]> {
  return [...(await storedChunks(storage, uploadId)).keys()].sort((a, b) => a - b);
}

/**
 * Concatenate chunks 0..total-1 into `targetKey` (streamed, one chunk at a
 * time) and delete them. Any missing: UploadError "missing_chunks" listing
 * them, and nothing is written. Completing again after success returns the
 * assembled file's size.
 */
export async function completeUpload(
  storage: Storage,
  uploadId: string,
  totalChunks: number,
  targetKey: string,
  options: { contentType?: string } = {},
): Promise<{ size: number; chunks: number }> {
  const chunks = await storedChunks(storage, uploadId);
  if (chunks.size === 0) {
    const done = await storage.stat(targetKey);
    if (done) return { size: done.size, chunks: totalChunks };
  }
  const extra = [...chunks.keys()].filter((i) => i >= totalChunks);
  if (extra.length > 0) {
    throw new UploadError(
      "invalid_chunk",
      `Chunks beyond the total were uploaded: ${extra.join(", ")}.`,
    );
  }
  const missing = Array.from({ length: totalChunks }, (_, i) => i).filter((i) => !chunks.has(i));
  if (missing.length > 0) {
    throw new UploadError(
      "missing_chunks",
      `${missing.length} chunk(s) are missing: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? "…" : ""}.`,
      missing,
    );
  }
  const joined = new PassThrough();
  const writing = storage.put(targetKey, joined, options);
  try {
    for (let i = 0; i < totalChunks; i += 1) {
      for await (const part of await storage.get(chunks.get(i)!.key)) {
        if (!joined.write(part)) await new Promise((r) => joined.once("drain", r));
      }
    }
    joined.end();
  } catch (error) {
    joined.destroy(error as Error);
    await writing.catch(() => {});
    throw error;
  }
  const { size } = await writing;
  await storage.deletePrefix(`${dir(uploadId)}/`);
  return { size, chunks: totalChunks };
}

export async function abortUpload(storage: Storage, uploadId: string): Promise<void> {
  await storage.deletePrefix(`${dir(uploadId)}/`);
}
