import { findSession, type SessionRow } from "../../db/classroom";
import type { Database } from "../../db/client";
import { sessionWithPerson, type ParticipantRow } from "../../db/liveClass";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { AppError } from "../platform/errors";
import type { Actor, Grant, SessionRole } from "../identity/permissions";

/** Someone's place in one class: the role and grants their powers there come from. */
export interface Place {
  role: SessionRole;
  grants: Grant[];
  participant: ParticipantRow | null;
}

/**
 * The class and where the actor stands in it, in one query (optionally locking
 * the class): their participant row (hosts, co-teachers, anyone who joined
 * before); else a student enrolled directly or by course; else school owners
 * and admins, who may look in as hidden observers. Everyone else has no place (null).
 */
export async function classWithPlace(
  tx: TenantTx,
  actor: Actor,
  sessionId: string,
  options: { lock?: boolean } = {},
): Promise<{ session: SessionRow; place: Place | null }> {
  const found = await sessionWithPerson(tx, sessionId, actor.userId, options);
  if (!found) throw classNotFound();
  return { session: found.session, place: placeFrom(actor, found.participant, found.enrolled) };
}

function placeFrom(
  actor: Actor,
  participant: ParticipantRow | null,
  enrolled: boolean,
): Place | null {
  if (participant) return { role: participant.role, grants: participant.grants, participant };
  if (actor.tenantRole === "student" && enrolled) {
    return { role: "student", grants: [], participant: null };
  }
  if (actor.tenantRole === "owner" || actor.tenantRole === "admin") {
    return { role: "observer", grants: [], participant: null };
  }
  return null;
}

/** The actor as they act inside this class (see core/permissions.ts). */
export function inClass(actor: Actor, sessionId: string, place: Place | null): Actor {
  if (!place) return { ...actor, session: undefined };
  return { ...actor, session: { sessionId, role: place.role, grants: place.grants } };
}

export const classNotFound = () => new AppError("not_found", "We couldn't find that class.");

/**
 * What a command names (a message, a question, a poll, a card, a person) must
 * be this class's: anything else, whether of another class or another school,
 * is answered as not found (404), before anything is appended.
 */
export function inThisClass<T>(found: T | null | undefined, what: string): T {
  if (found === null || found === undefined) {
    throw new AppError("not_found", `That ${what} is not in this class.`);
  }
  return found;
}

/**
 * Someone a command names (to lower their hand, to mute them): their place in
 * the class, from their participant row or their enrolment; else a 404.
 */
export async function personInClass(
  tx: TenantTx,
  sessionId: string,
  userId: string,
): Promise<{ role: SessionRole; participant: ParticipantRow | null }> {
  const found = await sessionWithPerson(tx, sessionId, userId);
  if (!found) throw classNotFound();
  const { participant, enrolled } = found;
  return inThisClass(
    participant
      ? { role: participant.role, participant }
      : enrolled
        ? { role: "student", participant }
        : null,
    "person",
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Find a school's row by id among the schools a person is a member of: class
 * and recording links carry no school, and the database shows a school's rows
 * only inside that school's context. Not a member of its school: null.
 */
export async function findInSchools<S extends { id: string }, T>(
  db: Database,
  schools: readonly S[],
  id: string,
  find: (tx: TenantTx, id: string) => Promise<T | null>,
): Promise<{ school: S; row: T } | null> {
  if (!UUID.test(id)) return null;
  for (const school of schools) {
    const row = await withTenant(db, school.id, (tx) => find(tx, id));
    if (row) return { school, row };
  }
  return null;
}

export async function schoolOfClass<S extends { id: string }>(
  db: Database,
  schools: readonly S[],
  sessionId: string,
): Promise<{ school: S; session: SessionRow }> {
  const found = await findInSchools(db, schools, sessionId, findSession);
  if (!found) throw classNotFound();
  return { school: found.school, session: found.row };
}
