import type { LogEvent } from "./alignment";

/*
 * Highlights (DESIGN.md section 9, step 4): a list of small detectors over
 * the class's log and its transcript, each giving moments with a score
 * (0..1) and a time span on the class timeline. A new kind of moment (say,
 * reactions) is one more detector in `detectors`.
 */

export interface Highlight {
  kind: string;
  startMs: number;
  endMs: number;
  title: string;
  score: number;
  /** The event the highlight stands on, if one does. */
  sequence: number | null;
}

export interface PlacedEvent extends LogEvent {
  /** Milliseconds since the class started. */
  atMs: number;
}

export interface HighlightInput {
  events: readonly PlacedEvent[];
  segments: readonly {
    startMs: number;
    endMs: number;
    text: string;
    speakerUserId: string | null;
    words?: readonly { word: string; startMs: number; endMs: number }[];
  }[];
  teachers: ReadonlySet<string>;
  endMs: number;
}

export type Detector = (input: HighlightInput) => Highlight[];

const payloadOf = <T>(event: LogEvent) => (event.payload ?? {}) as T;
const clip = (text: string, max = 140) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Questions with upvotes or an answer, scored by their upvotes against the class's top one. */
export const questionHighlights: Detector = ({ events }) => {
  const asked = new Map<string, { event: PlacedEvent; body: string }>();
  const upvotes = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const dismissed = new Set<string>();
  for (const event of events) {
    const p = payloadOf<{ questionId?: string; body?: string }>(event);
    if (!p.questionId) continue;
    if (event.type === "question.asked") asked.set(p.questionId, { event, body: p.body ?? "" });
    if (event.type === "question.upvoted")
      upvotes.set(p.questionId, (upvotes.get(p.questionId) ?? 0) + 1);
    if (event.type === "question.answered" && !answeredAt.has(p.questionId))
      answeredAt.set(p.questionId, event.atMs);
    if (event.type === "question.dismissed") dismissed.add(p.questionId);
  }
  const top = Math.max(1, ...upvotes.values());
  const out: Highlight[] = [];
  for (const [questionId, { event, body }] of asked) {
    const votes = upvotes.get(questionId) ?? 0;
    const answered = answeredAt.get(questionId);
    if (dismissed.has(questionId) || (votes === 0 && answered === undefined)) continue;
    out.push({
      kind: "question",
      startMs: event.atMs,
      endMs: Math.max(event.atMs, answered ?? event.atMs + 30_000),
      title: clip(body || "Question"),
      score: round(0.3 + 0.5 * (votes / top) + (answered !== undefined ? 0.2 : 0)),
      sequence: event.sequence,
    });
  }
  return out;
};

interface PollOption {
  optionId: string;
  label: string;
  isCorrect?: boolean;
}

/** Each poll that was closed, with its result: the leading answer and how many chose it. */
export const pollHighlights: Detector = ({ events }) => {
  const polls = new Map<
    string,
    { prompt: string; options: PollOption[]; openedAt?: number; votes: Map<string, string[]> }
  >();
  let anonymousVoter = 0;
  const out: Highlight[] = [];
  for (const event of events) {
    const p = payloadOf<{
      pollId?: string;
      prompt?: string;
      options?: PollOption[];
      optionIds?: string[];
    }>(event);
    if (!p.pollId) continue;
    if (event.type === "poll.created") {
      polls.set(p.pollId, {
        prompt: p.prompt ?? "Poll",
        options: p.options ?? [],
        votes: new Map(),
      });
      continue;
    }
    const poll = polls.get(p.pollId);
    if (!poll) continue;
    if (event.type === "poll.opened") poll.openedAt ??= event.atMs;
    // A changed vote replaces the voter's earlier one.
    if (event.type === "poll.voted" && p.optionIds)
      poll.votes.set(event.actorUserId ?? `anonymous-${anonymousVoter++}`, p.optionIds);
    if (event.type === "poll.closed") {
      const counts = new Map<string, number>();
      for (const ids of poll.votes.values())
        for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      const voters = poll.votes.size;
      const leading = [...poll.options].sort(
        (a, b) => (counts.get(b.optionId) ?? 0) - (counts.get(a.optionId) ?? 0),
      )[0];
      const result =
        voters === 0 || !leading
          ? "no votes"
          : `${leading.label} (${counts.get(leading.optionId) ?? 0} of ${voters})`;
      out.push({
        kind: "poll",
        startMs: poll.openedAt ?? event.atMs,
        endMs: event.atMs,
        title: clip(`${poll.prompt}: ${result}`),
        score: round(0.5 + 0.4 * Math.min(1, voters / 10)),
        sequence: event.sequence,
      });
    }
  }
  return out;
};

/**
 * Bursts: windows where events of one kind came far faster than the class's
 * own rate (a Poisson-style threshold over a sliding window), overlapping
 * windows joined into one moment.
 */
export function burstDetector(options: {
  kind: string;
  types: readonly string[];
  describe: (count: number) => string;
  windowMs?: number;
  stepMs?: number;
  minCount?: number;
}): Detector {
  const windowMs = options.windowMs ?? 60_000;
  const stepMs = options.stepMs ?? 10_000;
  const minCount = options.minCount ?? 4;
  return ({ events, endMs }) => {
    const times = events
      .filter((e) => options.types.includes(e.type))
      .map((e) => ({ atMs: e.atMs, sequence: e.sequence }));
    if (times.length < minCount) return [];
    const duration = Math.max(endMs, times.at(-1)!.atMs, windowMs);
    const expected = (times.length / duration) * windowMs;
    const threshold = Math.max(minCount, expected + 3 * Math.sqrt(expected));
    const bursts: { startMs: number; endMs: number; count: number; sequence: number }[] = [];
    for (let from = 0; from <= duration - windowMs + stepMs; from += stepMs) {
      const inside = times.filter((t) => t.atMs >= from && t.atMs < from + windowMs);
      if (inside.length < threshold) continue;
      const [first, last] = [inside[0]!, inside.at(-1)!];
      const open = bursts.at(-1);
      if (open && first.atMs <= open.endMs) {
        open.endMs = Math.max(open.endMs, last.atMs);
        open.count = times.filter((t) => t.atMs >= open.startMs && t.atMs <= open.endMs).length;
      } else {
        bursts.push({
          startMs: first.atMs,
          endMs: last.atMs,
          count: inside.length,
          sequence: first.sequence,
        });
      }
    }
    return bursts.map((b) => ({
      kind: options.kind,
      startMs: b.startMs,
      endMs: b.endMs,
      title: options.describe(b.count),
      score: round(Math.min(1, 0.4 + 0.1 * (b.count / Math.max(1, expected)))),
      sequence: b.sequence,
    }));
  };
}

export const chatBursts = burstDetector({
  kind: "chat_burst",
  types: ["chat.posted"],
  describe: (n) => `Burst of chat (${n} messages)`,
});

export const handBursts = burstDetector({
  kind: "hands_burst",
  types: ["hand.raised"],
  describe: (n) => `Many hands up (${n})`,
  minCount: 3,
});

/** Cards the teacher showed, for as long as they stayed up. */
export const cardHighlights: Detector = ({ events, endMs }) => {
  const out: Highlight[] = [];
  const open = new Map<string, Highlight>();
  for (const event of events) {
    const p = payloadOf<{ ctaId?: string; title?: string }>(event);
    if (!p.ctaId) continue;
    if (event.type === "cta.shown") {
      const card = {
        kind: "card",
        startMs: event.atMs,
        endMs: Math.min(endMs, event.atMs + 30_000),
        title: clip(p.title ?? "Card"),
        score: 0.5,
        sequence: event.sequence,
      };
      open.set(p.ctaId, card);
      out.push(card);
    }
    if (event.type === "cta.hidden" && open.has(p.ctaId)) {
      open.get(p.ctaId)!.endMs = Math.max(open.get(p.ctaId)!.startMs, event.atMs);
      open.delete(p.ctaId);
    }
  }
  return out;
};

/** What teachers say when something matters, weighted. */
export const EMPHASIS: readonly { pattern: RegExp; weight: number }[] = [
  {
    pattern: /\b(?:this|that|it)(?:'s| is) (?:really |very |super )?(?:important|key|crucial)\b/i,
    weight: 0.8,
  },
  { pattern: /\b(?:on|in|for) (?:the|your) (?:exam|test|final|quiz)\b/i, weight: 0.9 },
  { pattern: /\bremember (?:this|that)\b/i, weight: 0.8 },
  { pattern: /\b(?:don't|do not|never) forget\b/i, weight: 0.7 },
  { pattern: /\bpay (?:close )?attention\b/i, weight: 0.7 },
  { pattern: /\b(?:the )?(?:key|main|big) (?:point|idea|takeaway)\b/i, weight: 0.7 },
  { pattern: /\bmake sure (?:you|that you)\b/i, weight: 0.6 },
  { pattern: /\bwrite (?:this|that) down\b/i, weight: 0.8 },
  { pattern: /\bremember\b/i, weight: 0.5 },
];

/** The teacher's own emphasis in speech (a student's words are not the teacher's emphasis). */
export const emphasisHighlights: Detector = ({ segments, teachers }) => {
  const out: Highlight[] = [];
  for (const segment of segments) {
    if (segment.speakerUserId && teachers.size > 0 && !teachers.has(segment.speakerUserId))
      continue;
    const match = EMPHASIS.find(({ pattern }) => pattern.test(segment.text));
    if (!match) continue;
    const found = match.pattern.exec(segment.text)!;
    out.push({
      kind: "emphasis",
      ...phraseSpan(segment, found.index, found[0]),
      title: clip(sentenceAround(segment.text, found.index)),
      score: match.weight,
      sequence: null,
    });
  }
  return out;
};

/** Where in time the matched phrase was said: its words' timings, else the whole segment. */
function phraseSpan(
  segment: HighlightInput["segments"][number],
  index: number,
  phrase: string,
): { startMs: number; endMs: number } {
  const words = segment.words ?? [];
  if (words.length === 0) return { startMs: segment.startMs, endMs: segment.endMs };
  const before = segment.text.slice(0, index).trim().split(/\s+/).filter(Boolean).length;
  const length = phrase.trim().split(/\s+/).length;
  const first = words[Math.min(before, words.length - 1)]!;
  const last = words[Math.min(before + length - 1, words.length - 1)]!;
  return { startMs: first.startMs, endMs: Math.max(first.startMs, last.endMs) };
}

function sentenceAround(text: string, index: number): string {
  const start = Math.max(...[".", "!", "?"].map((c) => text.lastIndexOf(c, index - 1))) + 1;
  const ends = [".", "!", "?"].map((c) => text.indexOf(c, index)).filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) + 1 : text.length;
  return text.slice(start, end).trim();
}

export const detectors: readonly Detector[] = [
  questionHighlights,
  pollHighlights,
  chatBursts,
  handBursts,
  cardHighlights,
  emphasisHighlights,
];

/** Every detector's moments, in time order (ties by kind), so a re-run gives the same rows. */
export function detectHighlights(
  input: HighlightInput,
  list: readonly Detector[] = detectors,
): Highlight[] {
  return list
    .flatMap((detect) => detect(input))
    .sort(
      (a, b) =>
        a.startMs - b.startMs ||
        a.kind.localeCompare(b.kind) ||
        (a.sequence ?? 0) - (b.sequence ?? 0) ||
        a.title.localeCompare(b.title),
    );
}
