/*
 * The text of a PDF deck's pages on the server (pdf.js's legacy build, which
 * runs in Node without a worker or canvas): every page's lines and a title —
 * its largest text, else its first line — for naming chapters. A cache holds
 * each deck's pages once per run, however many chapters show it.
 */

export interface PageText {
  page: number;
  title: string | null;
  lines: string[];
}

interface Run {
  text: string;
  size: number;
  x: number;
  y: number;
}

export async function deckText(bytes: Uint8Array): Promise<PageText[]> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // pdf.js takes ownership of the buffer it is given: a copy.
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  try {
    const pages: PageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const runs: Run[] = [];
      for (const item of content.items) {
        if (!("str" in item) || item.str.trim() === "") continue;
        const [a, b, , , x, y] = item.transform as number[];
        runs.push({ text: item.str, size: Math.hypot(a!, b!) || item.height, x: x!, y: y! });
      }
      const lines = toLines(runs);
      pages.push({ page: n, title: titleOf(lines), lines: lines.map((l) => l.text) });
      page.cleanup();
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

interface Line {
  text: string;
  size: number;
  y: number;
}

/** Runs on one baseline joined left to right; lines top to bottom. */
function toLines(runs: Run[]): Line[] {
  const lines: { y: number; runs: Run[] }[] = [];
  for (const run of [...runs].sort((p, q) => q.y - p.y || p.x - q.x)) {
    const line = lines.find((l) => Math.abs(l.y - run.y) <= Math.max(2, run.size * 0.3));
    if (line) line.runs.push(run);
    else lines.push({ y: run.y, runs: [run] });
  }
  return lines.map((l) => {
    const sorted = l.runs.sort((p, q) => p.x - q.x);
    return {
      y: l.y,
      size: Math.max(...sorted.map((r) => r.size)),
      text: clean(sorted.map((r) => r.text).join(" ")),
    };
  });
}

/** The largest text on the page (its lines, top to bottom, if it spans several); else the first line. */
function titleOf(lines: Line[]): string | null {
  const usable = lines.filter((l) => l.text.length > 0);
  if (usable.length === 0) return null;
  const largest = Math.max(...usable.map((l) => l.size));
  const title = usable
    .filter((l) => l.size >= largest * 0.95)
    .slice(0, 2)
    .map((l) => l.text)
    .join(" ");
  return clean(title).slice(0, 120) || usable[0]!.text.slice(0, 120);
}

const clean = (text: string) => text.replace(/\s+/g, " ").trim();

/** Page titles per deck, each deck read once; a deck that is missing or unreadable has none. */
export function slideTextCache(load: (deckId: string) => Promise<Uint8Array | null>) {
  const decks = new Map<string, Promise<PageText[]>>();
  const pages = (deckId: string) => {
    let deck = decks.get(deckId);
    if (!deck) {
      deck = load(deckId)
        .then((bytes) => (bytes ? deckText(bytes) : []))
        .catch(() => []);
      decks.set(deckId, deck);
    }
    return deck;
  };
  return {
    pages,
    async title(deckId: string, page: number): Promise<string | null> {
      return (await pages(deckId)).find((p) => p.page === page)?.title ?? null;
    },
  };
}
