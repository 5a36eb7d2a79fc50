import { randomUUID } from "node:crypto";
import type pg from "pg";
import { expect } from "vitest";
import type * as Y from "yjs";
import { until } from "./syncClients";
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

/**
 * The presenter's slides, through the sync server: `show(page, atSeconds)`
 * shows a page of the deck, waits until the change is in the log (the sync
 * server logs it after the ack) and marks the class's clock.
 */
export function presenterSlides(
  owner: pg.Pool,
  sessionId: string,
  host: { doc: Y.Doc; provider: { hasUnsyncedChanges: boolean } },
  deckId: string,
  clock: { mark(atSeconds: number): Promise<void> },
) {
  const slides = host.doc.getMap("slides");
  return async (page: number, atSeconds: number) => {
    if (page === 1) slides.set("deck", deckId);
    else slides.set(deckId, page);
    await until(() => !host.provider.hasUnsyncedChanges);
    await expect
      .poll(async () => {
        const { rows } = await owner.query(
          "select payload from session_state_events where session_id = $1 and type = 'slide.changed' order by sequence desc limit 1",
          [sessionId],
        );
        return (rows[0]?.payload as { page?: number } | undefined)?.page;
      })
      .toBe(page);
    await clock.mark(atSeconds);
  };
}

export { classClock } from "./classClock";
