import type { AppLoadContext } from "@remix-run/node";
import { findInSchools, schoolOfClass } from "../../core/classes/classPlace";
import { AppError } from "../../core/platform/errors";
import type { Actor } from "../../core/identity/permissions";
import type { RecordingDeps } from "../../core/media/recording";
import { findRecording } from "../../db/liveClass";
import { getUser, schoolsOf, type SignedInUser } from "~/session.server";

/* The live class's services bound to the web app: who is asking, in which school. */

export function liveClassDeps(context: AppLoadContext): RecordingDeps {
  return {
    db: context.db.db,
    pool: context.db.pool,
    media: context.media,
    log: context.log,
    storage: context.storage,
    egressOutput: context.egressOutput,
    pipeline: context.pipeline,
  };
}

/** The signed-in person, or a typed 401 (API routes answer JSON, never a redirect). */
export async function apiUser(request: Request, context: AppLoadContext): Promise<SignedInUser> {
  const user = await getUser(request, context);
  if (!user) throw new AppError("unauthorized", "Sign in to continue.");
  return user;
}

/**
 * The person and the school of the class they ask about (which they must
 * belong to). Most people belong to one school: then the class is looked up
 * by the service itself, inside that school, and is not found if it is not
 * there; only people in several schools cost a lookup here.
 */
export async function classRequest(request: Request, context: AppLoadContext, sessionId: string) {
  const user = await apiUser(request, context);
  const schools = await schoolsOf(context, user.id);
  const school =
    schools.length === 1 && UUID.test(sessionId)
      ? schools[0]!
      : (await schoolOfClass(context.db.db, schools, sessionId)).school;
  const actor: Actor = { userId: user.id, tenantId: school.id, tenantRole: school.role };
  return { user, school, sessionId, actor };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function recordingRequest(
  request: Request,
  context: AppLoadContext,
  recordingId: string,
) {
  const user = await apiUser(request, context);
  const schools = await schoolsOf(context, user.id);
  const found = await findInSchools(context.db.db, schools, recordingId, findRecording);
  if (!found) throw new AppError("not_found", "We couldn't find that recording.");
  const actor: Actor = {
    userId: user.id,
    tenantId: found.school.id,
    tenantRole: found.school.role,
  };
  return { user, actor, recording: found.row };
}

const KEY = /^[A-Za-z0-9_.:/=+-]{8,200}$/;

/** The request's `Idempotency-Key` header, if any; a malformed one is a 400, not ignored. */
export function idempotencyKey(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!KEY.test(key)) {
    throw new AppError(
      "bad_request",
      "The Idempotency-Key header must be 8-200 letters, digits or _.:/=+-",
    );
  }
  return key;
}

/**
 * Only `method` reaches this action: anything else is a typed 405 naming it in
 * `Allow`. The request guard already answers wrong methods from the route
 * table; this keeps a shared action honest on its own.
 */
export function requireMethod(request: Request, method: string): void {
  if (request.method !== method) {
    throw new AppError("method_not_allowed", `Use ${method} for this endpoint.`, undefined, {
      headers: { Allow: method },
    });
  }
}
