import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Config } from "./config";

/**
 * Where files live (recordings, slides): a directory on local disk by default,
 * S3-compatible object storage in production. Keys are validated the same way
 * by both, so no key can escape its root.
 */
export interface Storage {
  readonly kind: "local" | "s3";
  put(
    key: string,
    body: Uint8Array | Readable,
    options?: { contentType?: string },
  ): Promise<{ size: number }>;
  /** The object's bytes (a byte range when asked); a missing key throws StorageNotFoundError. */
  get(key: string, range?: { start: number; end?: number }): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  /** A missing key is fine. */
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** Objects under a prefix, sorted by key. */
  list(prefix: string): Promise<{ key: string; size: number }[]>;
}

export class StorageNotFoundError extends Error {
  override name = "StorageNotFoundError";
}

export class InvalidStorageKeyError extends Error {
  override name = "InvalidStorageKeyError";
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** A key is `/`-separated segments of letters, digits, `_ . -`; never `.`, `..` or empty. */
export function assertStorageKey(key: string, { prefix = false } = {}): string {
  const segments = key.split("/");
  if (prefix && segments.at(-1) === "") segments.pop();
  const ok =
    key.length > 0 &&
    key.length <= 512 &&
    segments.length > 0 &&
    segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..");
  if (!ok) throw new InvalidStorageKeyError(`Not a valid storage key: ${JSON.stringify(key)}`);
  return key;
}

export function createStorage(
  config: Pick<
    Config,
    | "STORAGE_DIR"
    | "S3_BUCKET"
    | "S3_REGION"
    | "S3_ENDPOINT"
    | "S3_ACCESS_KEY_ID"
    | "S3_SECRET_ACCESS_KEY"
    | "S3_FORCE_PATH_STYLE"
  >,
): Storage {
  if (config.S3_BUCKET && config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    return s3Storage({
      bucket: config.S3_BUCKET,
      client: new S3Client({
        region: config.S3_REGION,
        endpoint: config.S3_ENDPOINT,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        credentials: {
          accessKeyId: config.S3_ACCESS_KEY_ID,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        },
      }),
    });
  }
  return localStorage(config.STORAGE_DIR);
}

/** Files under `root`; writes go to a temporary file renamed into place, so readers never see half a file. */
export function localStorage(root: string): Storage {
  const base = path.resolve(root);
  const file = (key: string) => path.join(base, ...assertStorageKey(key).split("/"));
  const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

  return {
    kind: "local",
    async put(key, body) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomUUID()}.part`;
      try {
        const source = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
        await pipeline(source, createWriteStream(temp));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { size: (await stat(target)).size };
    },
    async get(key, range) {
      const target = file(key);
      try {
        await stat(target);
      } catch (error) {
        if (missing(error)) throw new StorageNotFoundError(key);
        throw error;
      }
      return createReadStream(target, range ? { start: range.start, end: range.end } : undefined);
    },
    async stat(key) {
      try {
        return { size: (await stat(file(key))).size };
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
    async deletePrefix(prefix) {
      await rm(path.join(base, ...assertStorageKey(prefix, { prefix: true }).split("/")), {
        recursive: true,
        force: true,
      });
    },
    async list(prefix) {
      const dir = path.join(base, ...assertStorageKey(prefix, { prefix: true }).split("/"));
      let entries;
      try {
        entries = await readdir(dir, { recursive: true, withFileTypes: true });
      } catch (error) {
        if (missing(error)) return [];
        throw error;
      }
      const files = await Promise.all(
        entries
          .filter((e) => e.isFile() && !e.name.endsWith(".part"))
          .map(async (e) => {
            const full = path.join(e.parentPath, e.name);
            return {
              key: path.relative(base, full).split(path.sep).join("/"),
              size: (await stat(full)).size,
            };
          }),
      );
      return files.sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}

export function s3Storage({ bucket, client }: { bucket: string; client: S3Client }): Storage {
  const notFound = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
  };
  const listAll = async (prefix: string) => {
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  };

  return {
    kind: "s3",
    async put(key, body, options) {
      // Buffered: chunks and assembled class recordings fit in memory; multipart is a later concern.
      const bytes =
        body instanceof Readable ? Buffer.concat(await body.toArray()) : Buffer.from(body);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: assertStorageKey(key),
          Body: bytes,
          ContentType: options?.contentType,
        }),
      );
      return { size: bytes.byteLength };
    },
    async get(key, range) {
      try {
        const object = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: assertStorageKey(key),
            Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
          }),
        );
        return object.Body as Readable;
      } catch (error) {
        if (notFound(error)) throw new StorageNotFoundError(key);
        throw error;
      }
    },
    async stat(key) {
      try {
        const head = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: assertStorageKey(key) }),
        );
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (notFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: assertStorageKey(key) }));
    },
    async deletePrefix(prefix) {
      const keys = (await listAll(assertStorageKey(prefix, { prefix: true }))).map((o) => o.key);
      for (let i = 0; i < keys.length; i += 1_000) {
        await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + 1_000).map((Key) => ({ Key })) },
          }),
        );
      }
    },
    async list(prefix) {
      return listAll(assertStorageKey(prefix, { prefix: true }));
    },
  };
}
