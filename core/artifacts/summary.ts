import type { Chapter } from "./chapters";
import type { Highlight } from "./highlights";
import { contentWords } from "./textTiling";

/*
 * A class's summary, anchored to its chapters: by default extractive (each
 * chapter's key sentences by term weight, with its questions and poll
 * results); with SUMMARY_URL, written by an OpenAI-compatible chat endpoint
 * from the same material. If the endpoint fails, the extractive summary
 * stands, and the summary says so (`fallback`).
 */

export interface SummarySection {
  chapter: number;
  title: string;
  startMs: number;
  text: string;
  questions: string[];
  polls: string[];
}

export interface Summary {
  body: string;
  chapterRefs: number[];
  sections: SummarySection[];
  source: "extractive" | "model";
  /** Why the model's summary is not the one given. */
  fallback?: string;
}

export interface SummaryInput {
  chapters: readonly Chapter[];
  segments: readonly { startMs: number; endMs: number; text: string }[];
  highlights: readonly Highlight[];
}

const within = (chapter: Chapter, atMs: number, last: boolean) =>
  atMs >= chapter.startMs && (atMs < chapter.endMs || (last && atMs <= chapter.endMs));

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Sentences of speech: split at . ! ? when there is punctuation, else a segment each. */
function sentences(segments: SummaryInput["segments"]) {
  return segments.flatMap((segment) =>
    (segment.text.match(/[^.!?]+[.!?]*/g) ?? [])
      .map((text) => text.trim())
      .filter((text) => contentWords(text).length >= 3)
      .map((text) => ({ text, atMs: segment.startMs })),
  );
}

export function extractiveSummary(input: SummaryInput, perChapter = 2): Summary {
  const { chapters } = input;
  const all = sentences(input.segments);
  const byChapter = chapters.map((chapter, i) =>
    all.filter((s) => within(chapter, s.atMs, i === chapters.length - 1)),
  );
  // Term weight: frequent in this chapter, rare across the class's chapters (tf-idf).
  const documentFrequency = new Map<string, number>();
  for (const list of byChapter) {
    for (const word of new Set(list.flatMap((s) => contentWords(s.text))))
      documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  }
  const sections = chapters.map((chapter, i): SummarySection => {
    const list = byChapter[i]!;
    const tf = new Map<string, number>();
    for (const s of list) for (const w of contentWords(s.text)) tf.set(w, (tf.get(w) ?? 0) + 1);
    const idf = (w: string) => Math.log(1 + chapters.length / (documentFrequency.get(w) ?? 1));
    const scored = list.map((s, index) => {
      const words = contentWords(s.text);
      const weight = words.reduce((sum, w) => sum + (tf.get(w) ?? 0) * idf(w), 0);
      return { ...s, index, score: weight / Math.sqrt(words.length) };
    });
    const picked = [...scored]
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, perChapter)
      .sort((a, b) => a.index - b.index);
    const last = i === chapters.length - 1;
    const moments = input.highlights.filter((h) => within(chapter, h.startMs, last));
    return {
      chapter: i,
      title: chapter.title,
      startMs: chapter.startMs,
      text: picked.map((s) => punctuate(s.text)).join(" "),
      questions: moments.filter((h) => h.kind === "question").map((h) => h.title),
      polls: moments.filter((h) => h.kind === "poll").map((h) => h.title),
    };
  });
  return { ...render(sections), sections, source: "extractive" };
}

const punctuate = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function render(sections: SummarySection[]): { body: string; chapterRefs: number[] } {
  const body = sections
    .map((s) => {
      const lines = [`${s.chapter + 1}. ${s.title} (${clock(s.startMs)})`];
      if (s.text) lines.push(s.text);
      for (const q of s.questions) lines.push(`Question: ${q}`);
      for (const p of s.polls) lines.push(`Poll: ${p}`);
      return lines.join("\n");
    })
    .join("\n\n");
  return { body, chapterRefs: sections.map((s) => s.chapter) };
}

export interface SummaryModel {
  url: string;
  apiKey?: string;
  model: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * The summary from a chat endpoint, given the extractive one as its material
 * and asked for JSON — one paragraph per chapter — so it stays anchored to
 * chapters. Any failure (the endpoint, its answer) gives the extractive one.
 */
export async function modelSummary(input: SummaryInput, model: SummaryModel): Promise<Summary> {
  const extractive = extractiveSummary(input, 4);
  try {
    const sections = await askModel(extractive.sections, model);
    return { ...render(sections), sections, source: "model" };
  } catch (error) {
    const fallback = extractiveSummary(input);
    return { ...fallback, fallback: `summary model failed: ${(error as Error).message}` };
  }
}

async function askModel(material: SummarySection[], model: SummaryModel) {
  const call = model.fetch ?? fetch;
  const response = await call(model.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {}),
    },
    signal: AbortSignal.timeout(model.timeoutMs ?? 60_000),
    body: JSON.stringify({
      model: model.model,
      temperature: 0,
      messages: [
        {
          role: "system",
          content:
            "You summarise a recorded class for its students. Answer with JSON only: " +
            '{"chapters":[{"chapter":<number>,"summary":"<two or three sentences>"}]}, ' +
            "one entry per chapter given, in the same order, using only what the material says.",
        },
        {
          role: "user",
          content: JSON.stringify(
            material.map((s) => ({
              chapter: s.chapter,
              title: s.title,
              said: s.text,
              questions: s.questions,
              polls: s.polls,
            })),
          ),
        },
      ],
    }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const answer = (await response.json()) as { choices?: { message?: { content?: string } }[] };
  const content = answer.choices?.[0]?.message?.content ?? "";
  const json = content.slice(content.indexOf("{"), content.lastIndexOf("}") + 1);
  const parsed = JSON.parse(json || "null") as {
    chapters?: { chapter?: unknown; summary?: unknown }[];
  } | null;
  const written = new Map<number, string>();
  for (const entry of parsed?.chapters ?? []) {
    if (typeof entry.chapter === "number" && typeof entry.summary === "string")
      written.set(entry.chapter, entry.summary.trim());
  }
  if (written.size === 0) throw new Error("no chapter summaries in the answer");
  return material.map((s) => ({ ...s, text: written.get(s.chapter) ?? s.text }));
}
