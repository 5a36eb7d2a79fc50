import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeUpload, putChunk, receivedChunks, UploadError } from "./chunkedUpload";
import {
  InvalidStorageKeyError,
  localStorage,
  StorageNotFoundError,
  type Storage,
} from "../platform/storage";

let dir: string;
let storage: Storage;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lectern-storage-"));
  storage = localStorage(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const read = async (key: string, range?: { start: number; end?: number }) =>
  Buffer.concat(await (await storage.get(key, range)).toArray());
let n = 0;
const uploadId = () => `upload-${++n}`;

describe("local storage", () => {
  it("puts, reads (also a byte range), lists and deletes", async () => {
    await storage.put("a/b/one.bin", Buffer.from("hello world"));
    expect((await read("a/b/one.bin")).toString()).toBe("hello world");
    expect((await read("a/b/one.bin", { start: 6, end: 10 })).toString()).toBe("world");
    expect(await storage.stat("a/b/one.bin")).toEqual({ size: 11 });
    expect(await storage.list("a/")).toEqual([{ key: "a/b/one.bin", size: 11 }]);
    await storage.delete("a/b/one.bin");
    await storage.delete("a/b/one.bin");
    expect(await storage.stat("a/b/one.bin")).toBeNull();
    await expect(storage.get("a/b/one.bin")).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it.each(["../x", "/etc/passwd", "a//b", "a/./b", "a/../../b", "", "a b", "a\\..\\b"])(
    "refuses the key %j",
    async (key) => {
      await expect(storage.put(key, Buffer.from("x"))).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
    },
  );

  it("never shows half a file: a failing write leaves nothing behind", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from("partial"));
        this.destroy(new Error("connection lost"));
      },
    });
    await expect(storage.put("half/file.bin", failing)).rejects.toThrow("connection lost");
    expect(await storage.stat("half/file.bin")).toBeNull();
    expect(await readdir(path.join(dir, "half"))).toEqual([]);
  });
});

describe("resumable chunked uploads", () => {
  const parts = [randomBytes(1000), randomBytes(500), randomBytes(777)];

  it("assembles chunks that arrived out of order, byte for byte", async () => {
    const id = uploadId();
    for (const i of [2, 0, 1]) await putChunk(storage, id, i, parts[i]!);
    expect(await receivedChunks(storage, id)).toEqual([0, 1, 2]);
    const done = await completeUpload(storage, id, 3, `out/${id}.webm`);
    expect(done.size).toBe(2277);
    expect((await read(`out/${id}.webm`)).equals(Buffer.concat(parts))).toBe(true);
    expect(await receivedChunks(storage, id)).toEqual([]);
    // Completing again (a retried request) answers the same.
    expect(await completeUpload(storage, id, 3, `out/${id}.webm`)).toEqual({
      size: 2277,
      chunks: 3,
    });
  });

  it("takes a repeated chunk once, and refuses the same index with other bytes", async () => {
    const id = uploadId();
    expect(await putChunk(storage, id, 0, parts[0]!)).toMatchObject({ duplicate: false });
    expect(await putChunk(storage, id, 0, parts[0]!)).toMatchObject({ duplicate: true });
    await expect(putChunk(storage, id, 0, parts[1]!)).rejects.toMatchObject({
      code: "chunk_conflict",
    });
    expect(await storage.list(`uploads/${id}/`)).toHaveLength(1);
  });

  it("refuses to complete with a chunk missing, names it, and writes nothing", async () => {
    const id = uploadId();
    await putChunk(storage, id, 0, parts[0]!);
    await putChunk(storage, id, 2, parts[2]!);
    const failed = completeUpload(storage, id, 4, `out/${id}.webm`);
    await expect(failed).rejects.toBeInstanceOf(UploadError);
    await expect(failed).rejects.toMatchObject({ code: "missing_chunks", missing: [1, 3] });
    expect(await storage.stat(`out/${id}.webm`)).toBeNull();
    expect(await receivedChunks(storage, id)).toEqual([0, 2]);
  });

  it("refuses an oversized chunk before writing it, and empty or out-of-range ones", async () => {
    const id = uploadId();
    const limits = { maxChunkBytes: 100, maxChunks: 10 };
    await expect(putChunk(storage, id, 0, randomBytes(101), limits)).rejects.toMatchObject({
      code: "chunk_too_large",
    });
    await expect(putChunk(storage, id, 10, randomBytes(5), limits)).rejects.toMatchObject({
      code: "invalid_chunk",
    });
    await expect(putChunk(storage, id, 0, new Uint8Array(), limits)).rejects.toMatchObject({
      code: "invalid_chunk",
    });
    expect(await receivedChunks(storage, id)).toEqual([]);
  });

  it("streams a 30 MB upload of six chunks", async () => {
    const id = uploadId();
    const big = Array.from({ length: 6 }, () => randomBytes(5 * 1024 * 1024));
    await Promise.all(big.map((bytes, i) => putChunk(storage, id, i, bytes)));
    const done = await completeUpload(storage, id, 6, `out/${id}.webm`);
    expect(done.size).toBe(30 * 1024 * 1024);
    expect((await read(`out/${id}.webm`)).equals(Buffer.concat(big))).toBe(true);
  });
});
