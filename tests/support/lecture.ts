import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Browser } from "./webApp";

/** A command as this person, with a fresh Idempotency-Key; it must succeed. */
export async function callAs<T>(who: Browser, path: string, json?: unknown): Promise<T> {
  const response = await who.api(path, {
    json,
    headers: { "idempotency-key": `lecture-${randomUUID()}` },
  });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (await response.json()) as T;
}

export { classClock } from "./classClock";
