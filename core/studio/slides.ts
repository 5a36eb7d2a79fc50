import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { announceEvents, appendEventsIn, eventsOfTypes } from "../../db/eventLog";
import { withTenant } from "../../db/tenantContext";
import { classWithPlace, inClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import type { EventPayload } from "../log/events";
import type { LifecycleDeps } from "../classes/lifecycle";
import { assertCan, type Actor } from "../identity/permissions";
import { validateEvent } from "../log/sessionEvents";
import type { Storage } from "../platform/storage";

/*
 * PDF slide decks of a class: uploaded by whoever may present, checked (the
 * bytes must be a PDF that opens, within size and page limits), stored through
 * `Storage`, announced by a `slides.deck_added` event. Browsers render them
 * with pdf.js; which page is on show lives in the live document.
 */

export const deckLimits = { maxBytes: 20 * 1_048_576, maxPages: 300 };

export interface SlidesDeps extends Pick<LifecycleDeps, "db" | "pool"> {
  storage: Storage;
}

export type Deck = EventPayload<"slides.deck_added">;

/** Where a class's deck is kept in Storage (the pipeline reads slide text from it). */
export const deckKey = (tenantId: string, sessionId: string, deckId: string) =>
  `decks/${tenantId}/${sessionId}/${deckId}.pdf`;

export async function addDeck(
  deps: SlidesDeps,
  actor: Actor,
  sessionId: string,
  input: { name: string; bytes: Uint8Array },
  limits = deckLimits,
): Promise<Deck> {
  await withTenant(deps.db, actor.tenantId, async (tx) => {
    const { session, place } = await classWithPlace(tx, actor, sessionId);
    assertCan(inClass(actor, sessionId, place), "slides:navigate", {
      tenantId: actor.tenantId,
      kind: "session",
      sessionId,
    });
    if (session.status === "ended" || session.status === "cancelled") {
      throw new AppError("conflict", `This class is ${session.status}; slides can't be added.`);
    }
  });
  if (input.bytes.byteLength > limits.maxBytes) {
    throw new AppError("too_large", `A deck may be at most ${limits.maxBytes / 1_048_576} MB.`);
  }
  const pages = await countPages(input.bytes);
  if (pages > limits.maxPages) {
    throw new AppError(
      "invalid_input",
      `This PDF has ${pages} pages; a deck may have at most ${limits.maxPages}.`,
    );
  }
  const deck: Deck = { deckId: randomUUID(), name: deckName(input.name), pages };
  const key = deckKey(actor.tenantId, sessionId, deck.deckId);
  await deps.storage.put(key, input.bytes, { contentType: "application/pdf" });
  try {
    const events = await withTenant(deps.db, actor.tenantId, (tx) =>
      appendEventsIn(tx, {
        tenantId: actor.tenantId,
        sessionId,
        events: [
          validateEvent({ type: "slides.deck_added", payload: deck, actorUserId: actor.userId }),
        ],
      }),
    );
    announceEvents(deps.pool, events);
  } catch (error) {
    // Nothing half-written: no event, no file.
    await deps.storage.delete(key).catch(() => {});
    throw error;
  }
  return deck;
}

/** The class's decks, oldest first, for anyone with a place in it. */
export async function listDecks(deps: SlidesDeps, actor: Actor, sessionId: string) {
  await assertInClass(deps, actor, sessionId);
  return withTenant(deps.db, actor.tenantId, async (tx) =>
    (await eventsOfTypes(tx, sessionId, ["slides.deck_added"])).map((e) => e.payload as Deck),
  );
}

/** A deck's PDF, for anyone with a place in the class. */
export async function openDeck(
  deps: SlidesDeps,
  actor: Actor,
  sessionId: string,
  deckId: string,
): Promise<{ body: Readable; size: number }> {
  await assertInClass(deps, actor, sessionId);
  const key = deckKey(actor.tenantId, sessionId, deckId);
  const stat = await deps.storage.stat(key);
  if (!stat) throw new AppError("not_found", "We couldn't find that slide deck.");
  return { body: await deps.storage.get(key), size: stat.size };
}

async function assertInClass(deps: SlidesDeps, actor: Actor, sessionId: string) {
  const { place } = await withTenant(deps.db, actor.tenantId, (tx) =>
    classWithPlace(tx, actor, sessionId),
  );
  assertCan(inClass(actor, sessionId, place), "session:join", {
    tenantId: actor.tenantId,
    kind: "session",
    sessionId,
  });
}

/** The file's own bytes decide: a PDF that pdf.js opens, or a clear 415/422. */
async function countPages(bytes: Uint8Array): Promise<number> {
  if (!Buffer.from(bytes.subarray(0, 1024)).toString("latin1").includes("%PDF-")) {
    throw new AppError("unsupported_type", "That file is not a PDF. Export your slides as PDF.");
  }
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  try {
    // pdf.js takes ownership of the buffer it is given (and wants a plain Uint8Array): a copy.
    const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
    const pages = pdf.numPages;
    await pdf.destroy();
    return pages;
  } catch (error) {
    const why = (error as Error).name === "PasswordException" ? " It is password-protected." : "";
    throw new AppError("invalid_input", `We couldn't read that PDF.${why}`);
  }
}

function deckName(name: string): string {
  const cleaned = [...name]
    .filter((c) => c >= " ")
    .join("")
    .trim()
    .slice(0, 300);
  return cleaned || "Slides";
}
