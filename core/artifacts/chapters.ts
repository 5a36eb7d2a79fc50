import type { ClassTimeline, TimelineSpan } from "./alignment";
import { timedTokens, topicBoundaries, type TilingOptions, type TimedToken } from "./textTiling";

/*
 * Chapters (DESIGN.md section 9, step 4): the class cut where the slide or
 * scene on show changed, short dwells merged into what came before, going back
 * to something already shown folded into the chapter it interrupts, each
 * titled from the slide's own text or the scene's name; a chapter on one slide
 * for long is split where the speech shifts topic.
 */

export interface Chapter {
  startMs: number;
  endMs: number;
  title: string;
  source: "slide" | "scene" | "topic" | "class";
}

export interface SceneInfo {
  name: string;
  layout: string;
}

export interface ChapterInput {
  timeline: ClassTimeline;
  /** The class's scenes by id (the built-in four folded with its scene events). */
  scenes: ReadonlyMap<string, SceneInfo>;
  /** Titles of slides, by `slideKey(deckId, page)`, where the deck's text gave one. */
  slideTitles: ReadonlyMap<string, string>;
  deckNames: ReadonlyMap<string, string>;
  classTitle: string;
  /** Speech on the class timeline; empty without a transcript. */
  segments: readonly {
    startMs: number;
    endMs: number;
    text: string;
    words?: readonly { word: string; startMs: number }[];
  }[];
}

export interface ChapterOptions {
  /** A slide or scene up for less than this is not a chapter of its own. */
  minDwellMs?: number;
  /** A chapter longer than this is split by topic shifts in the speech. */
  longMs?: number;
  tiling?: TilingOptions;
}

export const slideKey = (deckId: string, page: number) => `${deckId}:${page}`;

interface View extends Chapter {
  key: string;
}

export function deriveChapters(input: ChapterInput, options: ChapterOptions = {}): Chapter[] {
  const minDwellMs = options.minDwellMs ?? 20_000;
  const longMs = options.longMs ?? 5 * 60_000;
  const views = input.timeline.spans.map((span) => view(span, input));

  const merged = mergeSame(absorbShort(mergeSame(views), minDwellMs));
  const folded = mergeSame(foldRevisits(merged));
  const tokens = timedTokens(input.segments);
  const chapters = folded.flatMap((chapter) =>
    chapter.endMs - chapter.startMs > longMs
      ? splitByTopic(chapter, tokens, minDwellMs, options.tiling)
      : [chapter],
  );
  return chapters.map(({ startMs, endMs, title, source }) => ({ startMs, endMs, title, source }));
}

function view(span: TimelineSpan, input: ChapterInput): View {
  const base = { startMs: span.startMs, endMs: span.endMs };
  const scene = span.sceneId ? input.scenes.get(span.sceneId) : undefined;
  const slidesShown = span.deckId !== null && (!scene || scene.layout === "slides");
  if (slidesShown) {
    const page = span.page ?? 1;
    const title =
      input.slideTitles.get(slideKey(span.deckId!, page)) ??
      `${input.deckNames.get(span.deckId!) ?? "Slides"}, slide ${page}`;
    return { ...base, key: `slide:${slideKey(span.deckId!, page)}`, title, source: "slide" };
  }
  if (span.sceneId) {
    return {
      ...base,
      key: `scene:${span.sceneId}`,
      title: scene?.name ?? "Scene",
      source: "scene",
    };
  }
  return { ...base, key: "class", title: input.classTitle || "Class", source: "class" };
}

function mergeSame(views: View[]): View[] {
  const out: View[] = [];
  for (const v of views) {
    const last = out.at(-1);
    if (last && last.key === v.key) last.endMs = v.endMs;
    else out.push({ ...v });
  }
  return out;
}

/** A short dwell joins the chapter before it (the first one, the chapter after). */
function absorbShort(views: View[], minDwellMs: number): View[] {
  const out: View[] = [];
  for (const v of views) {
    const last = out.at(-1);
    if (last && v.endMs - v.startMs < minDwellMs) last.endMs = v.endMs;
    else out.push({ ...v });
  }
  if (out.length > 1 && out[0]!.endMs - out[0]!.startMs < minDwellMs) {
    out[1]!.startMs = out[0]!.startMs;
    out.shift();
  }
  return out;
}

/** Going back to a slide or scene already shown continues the chapter it interrupts. */
function foldRevisits(views: View[]): View[] {
  const seen = new Set<string>();
  const out: View[] = [];
  for (const v of views) {
    const last = out.at(-1);
    if (last && seen.has(v.key)) last.endMs = v.endMs;
    else out.push({ ...v });
    seen.add(v.key);
  }
  return out;
}

function splitByTopic(
  chapter: View,
  tokens: readonly TimedToken[],
  minDwellMs: number,
  tiling?: TilingOptions,
): View[] {
  const inside = tokens.filter((t) => t.atMs >= chapter.startMs && t.atMs < chapter.endMs);
  const cuts: number[] = [];
  for (const at of topicBoundaries(inside, tiling)) {
    const previous = cuts.at(-1) ?? chapter.startMs;
    if (at - previous >= minDwellMs && chapter.endMs - at >= minDwellMs) cuts.push(at);
  }
  if (cuts.length === 0) return [chapter];
  const edges = [chapter.startMs, ...cuts, chapter.endMs];
  const parts: View[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const [startMs, endMs] = [edges[i]!, edges[i + 1]!];
    const terms = keyTerms(
      inside.filter((t) => t.atMs >= startMs && t.atMs < endMs),
      inside,
    );
    parts.push({
      ...chapter,
      startMs,
      endMs,
      title:
        i === 0 || terms.length === 0 ? chapter.title : `${chapter.title}: ${terms.join(", ")}`,
      source: i === 0 ? chapter.source : "topic",
    });
  }
  return parts;
}

/** The words that stand out in a part against the whole it belongs to. */
export function keyTerms(part: readonly TimedToken[], whole: readonly TimedToken[], count = 3) {
  const counts = (tokens: readonly TimedToken[]) => {
    const m = new Map<string, number>();
    for (const t of tokens) m.set(t.word, (m.get(t.word) ?? 0) + 1);
    return m;
  };
  const mine = counts(part);
  const all = counts(whole);
  return [...mine]
    .filter(([, n]) => n > 1)
    .map(([word, n]) => ({
      word,
      weight: (n / part.length) * Math.log(whole.length / all.get(word)!),
    }))
    .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
    .slice(0, count)
    .map((t) => t.word);
}
