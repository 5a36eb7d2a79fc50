import type * as Y from "yjs";
import { validateEvent } from "../core/log/sessionEvents";
import type { Powers } from "./access";
import { readUpdate } from "./updateRoots";

export type StudioEvent =
  | { type: "whiteboard.updated"; payload: { boardId: string; bytes: number } }
  | { type: "slide.changed"; payload: { deckId: string; page: number } }
  | { type: "scene.changed"; payload: { sceneId: string } };

/**
 * The live document's shape, which is also what may change in it:
 * - `scene` (map): `current` → the scene everyone's layout follows;
 * - `slides` (map): `deck` → the deck on show, `<deckId>` → its page;
 * - `board:<id>` (maps of shapes): `board:main`, or `board:<deckId>:<page>`
 *   to annotate one slide.
 */
export const DOC = {
  scene: "scene",
  slides: "slides",
  boardPrefix: "board:",
} as const;

/**
 * What an update does to the studio, as events for the log, or null when the
 * sender may not do it or it is not a change the studio knows (unknown
 * top-level types, slide or scene values that are not ids and pages).
 */
export function classify(doc: Y.Doc, update: Uint8Array, powers: Powers): StudioEvent[] | null {
  const read = readUpdate(doc, update);
  if (!read || read.roots.size === 0) return null;
  for (const root of read.roots) {
    const allowed = root.startsWith(DOC.boardPrefix)
      ? powers.draw
      : root === DOC.slides
        ? powers.navigate
        : root === DOC.scene && powers.changeScene;
    if (!allowed) return null;
  }

  const events: StudioEvent[] = [];
  const slides = doc.getMap<unknown>(DOC.slides);
  for (const { root, key, value } of read.entries) {
    if (root.startsWith(DOC.boardPrefix)) continue;
    if (root === DOC.scene && key === "current") {
      events.push({ type: "scene.changed", payload: { sceneId: value as string } });
    } else if (root === DOC.slides && key === "deck") {
      const page = slides.get(value as string);
      events.push({
        type: "slide.changed",
        payload: { deckId: value as string, page: typeof page === "number" ? page : 1 },
      });
    } else if (root === DOC.slides) {
      events.push({ type: "slide.changed", payload: { deckId: key, page: value as number } });
    } else {
      return null;
    }
  }
  const boards = [...read.roots].filter((root) => root.startsWith(DOC.boardPrefix));
  if (boards.length > 0) {
    events.unshift({
      type: "whiteboard.updated",
      payload: { boardId: boards[0]!.slice(DOC.boardPrefix.length), bytes: update.byteLength },
    });
  }
  // Slides and scene change only by setting a known key; each event must be valid.
  if (events.length === 0 || !events.every(isValid)) return null;
  return events;
}

function isValid(event: StudioEvent): boolean {
  try {
    validateEvent(event);
    return true;
  } catch {
    return false;
  }
}
