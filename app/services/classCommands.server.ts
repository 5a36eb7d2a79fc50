import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { InteractionDeps } from "../../core/interaction";
import type { Actor } from "../../core/permissions";
import { classRequest, idempotencyKey, liveClassDeps, requireMethod } from "./liveClass.server";
import { apiRoute, readJson } from "~/utils/api";

/*
 * The shapes of the class's command routes (chat, Q&A, polls, cards): the
 * person and class from the request, the JSON body and the Idempotency-Key,
 * handed to a core command; the answer is `{[name]: result}`.
 */

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

/** POST: create something in the class (201); a retried key answers the first result. */
export function createInClass<T>(name: string, create: Create<T>) {
  return apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
    requireMethod(request, "POST");
    const { actor, sessionId } = await classRequest(request, context, params.id!);
    const result = await create(
      liveClassDeps(context),
      actor,
      sessionId,
      await readJson(request),
      idempotencyKey(request),
    );
    return Response.json({ [name]: result }, { status: 201 });
  });
}

/** POST: act on one thing of the class, named by the route parameter `param` (a UUID). */
export function actInClass<T>(param: string, name: string, act: ActOn<T>, status = 200) {
  return apiRoute(async ({ request, context, params }: ActionFunctionArgs) => {
    requireMethod(request, "POST");
    const { actor, sessionId } = await classRequest(request, context, params.id!);
    const result = await act(
      liveClassDeps(context),
      actor,
      sessionId,
      z.uuid().parse(params[param]),
      await readJson(request),
      idempotencyKey(request),
    );
    return Response.json({ [name]: result }, { status });
  });
}
