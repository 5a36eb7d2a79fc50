import { describe, expect, it } from "vitest";
import { makeLectureDeck } from "../../tests/support/lectureDeck";
import { deckText, slideTextCache } from "./slideText";

const deck = makeLectureDeck([
  {
    title: "Phases of the Moon",
    lines: ["Why the moon changes shape", "New, crescent (waxing), full"],
  },
  { title: "Tides", lines: ["Two a day"] },
  { title: "" },
]);

describe("slide text on the server (pdf.js)", () => {
  it("reads every page's lines, titled by its largest text", async () => {
    const pages = await deckText(deck);
    expect(pages).toEqual([
      {
        page: 1,
        title: "Phases of the Moon",
        lines: ["Phases of the Moon", "Why the moon changes shape", "New, crescent (waxing), full"],
      },
      { page: 2, title: "Tides", lines: ["Tides", "Two a day"] },
      { page: 3, title: null, lines: [] },
    ]);
  });

  it("reads each deck once, and a missing or broken one has no titles", async () => {
    const loads: string[] = [];
    const cache = slideTextCache(async (deckId) => {
      loads.push(deckId);
      if (deckId === "broken") return new TextEncoder().encode("%PDF-1.4 nonsense");
      return deckId === "moon" ? deck : null;
    });
    expect(await cache.title("moon", 2)).toBe("Tides");
    expect(await cache.title("moon", 1)).toBe("Phases of the Moon");
    expect(await cache.title("gone", 1)).toBeNull();
    expect(await cache.title("broken", 1)).toBeNull();
    expect(loads).toEqual(["moon", "gone", "broken"]);
  });
});
