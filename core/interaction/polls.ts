import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { pollOptions, polls, pollVotes } from "../../db/schema";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { inThisClass } from "../classes/classPlace";
import { AppError } from "../platform/errors";
import {
  actInLiveClass,
  appendInteraction,
  newId,
  viewClass,
  type InteractionDeps,
} from "./interaction";
import type { Actor } from "../identity/permissions";

/*
 * Polls and quizzes. Teachers draft a poll, open it, close it and share its
 * results; students vote once (the unique (poll, user) index decides, even
 * for two votes at the same moment), or change their vote while it is open
 * when the poll allows it. Named polls show teachers who voted what;
 * anonymous ones only the counts. A quiz marks its right answers, shown to
 * students with the results.
 */

const label = z.string().trim().min(1, "Every option needs a label").max(200);

export const pollSchema = z
  .object({
    prompt: z.string().trim().min(1, "Write the question first").max(500),
    kind: z.enum(["single", "multiple"]).default("single"),
    anonymous: z.boolean().default(false),
    quiz: z.boolean().default(false),
    allowChange: z.boolean().default(false),
    options: z
      .array(z.object({ label, isCorrect: z.boolean().default(false) }))
      .min(2, "A poll needs at least two options")
      .max(20, "A poll may have at most 20 options"),
    /** Open it for voting straight away. */
    open: z.boolean().default(false),
  })
  .superRefine((poll, ctx) => {
    const correct = poll.options.filter((o) => o.isCorrect).length;
    if (poll.quiz && correct === 0) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "Mark the right answer" });
    }
    if (poll.quiz && poll.kind === "single" && correct > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["options"],
        message: "A single-choice quiz has one right answer",
      });
    }
  });

export const pollActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("open") }),
  z.object({ action: z.literal("close"), shareResults: z.boolean().default(false) }),
  z.object({ action: z.literal("share") }),
]);

export const voteSchema = z.object({
  optionIds: z
    .array(z.uuid())
    .min(1, "Choose an answer")
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, "Choose each answer once"),
});

export interface PollOption {
  optionId: string;
  label: string;
  /** Teachers always; students once the results are shared. */
  isCorrect?: boolean;
  /** Present when the results are visible to you. */
  votes?: number;
  /** Named polls, teachers only: who chose this. */
  voters?: string[];
}

export interface Poll {
  pollId: string;
  prompt: string;
  kind: "single" | "multiple";
  anonymous: boolean;
  quiz: boolean;
  allowChange: boolean;
  status: "draft" | "open" | "closed";
  resultsShared: boolean;
  /** Whether this person sees the counts. */
  resultsVisible: boolean;
  totalVoters: number | null;
  options: PollOption[];
  myVote: string[] | null;
  at: string;
}

export async function createPoll(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<Poll> {
  const { open, options, ...poll } = pollSchema.parse(input);
  await withTenant(deps.db, actor.tenantId, (tx) =>
    actInLiveClass(tx, actor, sessionId, "poll:manage", "Polls run while the class is live."),
  );
  // From the key: a retry must send the very same events, ids included.
  const idFor = (part: string) =>
    newId(sessionId, actor, idempotencyKey && `${idempotencyKey}#${part}`);
  const pollId = idFor("poll");
  const { events } = await appendInteraction(
    deps,
    actor,
    sessionId,
    [
      {
        type: "poll.created",
        payload: {
          pollId,
          ...poll,
          options: options.map((o, i) => ({ optionId: idFor(`option-${i}`), ...o })),
        },
      },
      ...(open ? [{ type: "poll.opened", payload: { pollId } }] : []),
    ],
    idempotencyKey,
  );
  // A retry answers the poll the first request created.
  return pollFor(deps, actor, sessionId, (events[0]!.payload as { pollId: string }).pollId);
}

/** Open a draft, close an open poll (optionally sharing its results), or share results. */
export async function changePoll(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  pollId: string,
  input: unknown,
): Promise<Poll> {
  const action = pollActionSchema.parse(input);
  const poll = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(tx, actor, sessionId, "poll:manage", "Polls run while the class is live.");
    return findPoll(tx, sessionId, pollId);
  });
  const events: { type: string; payload: object }[] = [];
  if (action.action === "open") {
    if (poll.status !== "draft") throw new AppError("conflict", "This poll has already run.");
    events.push({ type: "poll.opened", payload: { pollId } });
  } else if (action.action === "close") {
    if (poll.status === "draft") throw new AppError("conflict", "Open the poll before closing it.");
    if (poll.status === "open") {
      events.push({ type: "poll.closed", payload: { pollId, resultsShared: action.shareResults } });
    } else if (action.shareResults && !poll.resultsShared) {
      events.push({ type: "poll.results_shared", payload: { pollId } });
    }
  } else {
    if (poll.status === "draft") throw new AppError("conflict", "Open the poll first.");
    if (!poll.resultsShared) events.push({ type: "poll.results_shared", payload: { pollId } });
  }
  if (events.length > 0) await appendInteraction(deps, actor, sessionId, events);
  return pollFor(deps, actor, sessionId, pollId);
}

export async function vote(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  pollId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<Poll> {
  const { optionIds } = voteSchema.parse(input);
  await withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(tx, actor, sessionId, "poll:vote", "Polls run while the class is live.");
    const poll = await findPoll(tx, sessionId, pollId);
    if (poll.status !== "open") {
      throw new AppError(
        "conflict",
        poll.status === "draft" ? "This poll is not open yet." : "This poll has closed.",
      );
    }
    if (poll.kind === "single" && optionIds.length !== 1) {
      throw new AppError("invalid_input", "Choose one answer.");
    }
    const known = await tx
      .select({ id: pollOptions.id })
      .from(pollOptions)
      .where(and(eq(pollOptions.pollId, pollId), inArray(pollOptions.id, optionIds)));
    if (known.length !== optionIds.length) {
      throw new AppError("invalid_input", "Those answers are not options of this poll.");
    }
  });
  await appendInteraction(
    deps,
    actor,
    sessionId,
    [{ type: "poll.voted", payload: { pollId, optionIds } }],
    idempotencyKey,
  );
  return pollFor(deps, actor, sessionId, pollId);
}

/** The class's polls as this person may see them (students: not drafts), oldest first. */
export async function listPolls(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
): Promise<Poll[]> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    const { teaching } = await viewClass(tx, actor, sessionId);
    const rows = await tx
      .select()
      .from(polls)
      .where(eq(polls.sessionId, sessionId))
      .orderBy(asc(polls.createdAt), asc(polls.id));
    const visible = rows.filter((p) => teaching || p.status !== "draft");
    if (visible.length === 0) return [];
    const ids = visible.map((p) => p.id);
    const options = await tx
      .select()
      .from(pollOptions)
      .where(inArray(pollOptions.pollId, ids))
      .orderBy(asc(pollOptions.position));
    const votes = await tx
      .select({
        pollId: pollVotes.pollId,
        userId: pollVotes.userId,
        optionIds: pollVotes.optionIds,
      })
      .from(pollVotes)
      .where(inArray(pollVotes.pollId, ids));
    return visible.map((p): Poll => {
      const theirs = votes.filter((v) => v.pollId === p.id);
      const resultsVisible = teaching || p.resultsShared;
      return {
        pollId: p.id,
        prompt: p.prompt,
        kind: p.kind,
        anonymous: p.anonymous,
        quiz: p.quiz,
        allowChange: p.allowChange,
        status: p.status,
        resultsShared: p.resultsShared,
        resultsVisible,
        totalVoters: resultsVisible ? theirs.length : null,
        options: options
          .filter((o) => o.pollId === p.id)
          .map((o) => {
            const chose = theirs.filter((v) => v.optionIds.includes(o.id));
            return {
              optionId: o.id,
              label: o.label,
              ...(p.quiz && resultsVisible ? { isCorrect: o.isCorrect } : {}),
              ...(resultsVisible ? { votes: chose.length } : {}),
              ...(teaching && !p.anonymous ? { voters: chose.map((v) => v.userId) } : {}),
            };
          }),
        myVote: theirs.find((v) => v.userId === actor.userId)?.optionIds ?? null,
        at: (p.openedAt ?? p.createdAt).toISOString(),
      };
    });
  });
}

async function pollFor(deps: InteractionDeps, actor: Actor, sessionId: string, pollId: string) {
  return inThisClass(
    (await listPolls(deps, actor, sessionId)).find((p) => p.pollId === pollId),
    "poll",
  );
}

async function findPoll(tx: TenantTx, sessionId: string, pollId: string) {
  const [poll] = await tx
    .select()
    .from(polls)
    .where(and(eq(polls.id, pollId), eq(polls.sessionId, sessionId)));
  return inThisClass(poll, "poll");
}
