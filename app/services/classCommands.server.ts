import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import type { Config } from "../../core/platform/config";
import type { InteractionDeps } from "../../core/interaction/interaction";
import type { Actor } from "../../core/identity/permissions";
import { createRateLimiter, tooFast, type RateLimiter } from "../../core/platform/rateLimit";
import { classRequest, idempotencyKey, liveClassDeps, requireMethod } from "./liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/*
 * The shapes of the class's command routes (chat, Q&A, polls, hands, cards):
 * the person and class from the request, the person's rate limit for that
 * kind of command, the JSON body and the Idempotency-Key, handed to a core
 * command; the answer is `{[name]: result}`.
 */

type Command<T> = (
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
) => Promise<T>;

type Create<T> = (
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
) => Promise<T>;

type ActOn<T> = (
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  itemId: string,
  input: unknown,
  idempotencyKey?: string,
) => Promise<T>;

interface Asked {
  deps: InteractionDeps;
  actor: Actor;
  sessionId: string;
  request: Request;
  params: ActionFunctionArgs["params"];
}

/**
 * The one path every class command takes: POST only, a person with a place
 * in a school, within their budget for commands of this name (COMMAND_RATE_*;
 * over it, a 429 with Retry-After), then the command.
 */
function classCommand<T>(name: string, status: number, run: (asked: Asked) => Promise<T>) {
  return apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
    requireMethod(request, "POST");
    const { actor, sessionId } = await classRequest(request, context, params.id!);
    const verdict = commandLimiter(context).take(`${name}:${actor.userId}`);
    if (!verdict.allowed) throw tooFast(verdict.retryAfterSeconds);
    const result = await run({ deps: liveClassDeps(context), actor, sessionId, request, params });
    return Response.json({ [name]: result }, { status });
  });
}

/** POST: a command to the class (e.g. raise a hand); answers its result (200). */
export function commandInClass<T>(name: string, command: Command<T>) {
  return classCommand(name, 200, async ({ deps, actor, sessionId, request }) =>
    command(deps, actor, sessionId, await readJson(request)),
  );
}

/** POST: create something in the class (201); a retried key answers the first result. */
export function createInClass<T>(name: string, create: Create<T>) {
  return classCommand(name, 201, async ({ deps, actor, sessionId, request }) =>
    create(deps, actor, sessionId, await readJson(request), idempotencyKey(request)),
  );
}

/** POST: act on one thing of the class, named by the route parameter `param` (a UUID). */
export function actInClass<T>(param: string, name: string, act: ActOn<T>, status = 200) {
  return classCommand(name, status, async ({ deps, actor, sessionId, request, params }) => {
    const itemId = z.uuid().parse(params[param]);
    return act(deps, actor, sessionId, itemId, await readJson(request), idempotencyKey(request));
  });
}

// One limiter per configuration: each web app (there may be several in one test process) its own.
const limiters = new WeakMap<Config, RateLimiter>();

function commandLimiter(context: AppLoadContext): RateLimiter {
  let limiter = limiters.get(context.config);
  if (!limiter) {
    limiter = createRateLimiter({
      perSecond: context.config.COMMAND_RATE_PER_SECOND,
      burst: context.config.COMMAND_RATE_BURST,
    });
    limiters.set(context.config, limiter);
  }
  return limiter;
}
