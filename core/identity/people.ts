import type { Database } from "../../db/client";
import {
  addMember,
  findInvitation,
  findMember,
  findMembers,
  insertAudit,
  markInvitation,
} from "../../db/people";
import { findTenantBySlug, type TenantRole } from "../../db/tenancy";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { AppError } from "../platform/errors";

/*
 * Who is in a school, and joining one: by invitation, or by open sign-up where
 * the school allows it. Managing people (invite, change role, remove) is in
 * core/peopleAdmin.ts.
 */

export const notInSchool = () => new AppError("not_found", "That person is not in this school.");

/**
 * The people a command names (to enrol, to co-teach, to change the role of)
 * as members of this school, in the order named. Anyone who is not a member,
 * of this school or of any, is answered as not found (404).
 */
export async function inThisSchool(tx: TenantTx, userIds: readonly string[]) {
  const named = [...new Set(userIds)];
  if (named.length === 0) return [];
  const members = await findMembers(tx, named);
  return named.map((userId) => {
    const member = members.find((m) => m.userId === userId);
    if (!member) throw notInSchool();
    return member;
  });
}

/** One person a command names, as a member of this school; else 404. */
export async function memberOfThisSchool(tx: TenantTx, userId: string) {
  const [member] = await inThisSchool(tx, [userId]);
  if (!member) throw notInSchool();
  return member;
}

/**
 * What a sign-up or invitation page may show: only what the link's holder
 * needs (the school's name and address, the invited email and role). Never
 * the school's internal id: it is looked up again when they join.
 */
export type JoinTarget =
  | {
      kind: "invitation";
      invitationId: string;
      email: string;
      role: TenantRole;
      slug: string;
      schoolName: string;
    }
  | { kind: "open"; slug: string; schoolName: string }
  | { kind: "closed"; reason: string };

type Joinable = Exclude<JoinTarget, { kind: "closed" }>;

const INVITATION_GONE =
  "This invitation is no longer valid: it expired, was replaced or was already used. Ask your school for a new one.";

export async function joinTarget(
  directory: Database,
  query: { invitation?: string; school?: string },
  now = new Date(),
): Promise<JoinTarget> {
  return (await resolveJoin(directory, query, now)).target;
}

/** The join target and, when it is open, the school it lets you into. */
async function resolveJoin(
  directory: Database,
  query: { invitation?: string; school?: string },
  now = new Date(),
): Promise<{ target: JoinTarget; tenantId?: string }> {
  if (query.invitation) {
    const found = /^[0-9a-f-]{36}$/i.test(query.invitation)
      ? await findInvitation(directory, query.invitation)
      : null;
    if (!found || found.invitation.status !== "pending" || found.invitation.expiresAt <= now) {
      return { target: { kind: "closed", reason: INVITATION_GONE } };
    }
    return {
      target: {
        kind: "invitation",
        invitationId: found.invitation.id,
        email: found.invitation.email,
        role: found.invitation.role,
        slug: found.tenant.slug,
        schoolName: found.tenant.name,
      },
      tenantId: found.tenant.id,
    };
  }
  if (query.school) {
    const tenant = await findTenantBySlug(directory, query.school);
    if (tenant && tenant.settings.openSignUp === true) {
      return {
        target: { kind: "open", slug: tenant.slug, schoolName: tenant.name },
        tenantId: tenant.id,
      };
    }
    return {
      target: {
        kind: "closed",
        reason:
          "This school takes new people by invitation only. Ask a teacher or admin to invite you.",
      },
    };
  }
  return {
    target: {
      kind: "closed",
      reason: "To create an account, open the invitation link your school emailed you.",
    },
  };
}

/**
 * Accept an invitation for a signed-in person whose email it names: they become
 * a member with the invited role. Returns the school's slug.
 */
export async function acceptInvitation(
  db: Database,
  directory: Database,
  user: { id: string; email: string },
  invitationId: string,
  requestId?: string,
): Promise<string> {
  const { target, tenantId } = await resolveJoin(directory, { invitation: invitationId });
  if (target.kind !== "invitation" || !tenantId) throw new AppError("conflict", INVITATION_GONE);
  if (target.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError(
      "forbidden",
      `This invitation is for ${target.email}. Sign in with that address to accept it.`,
    );
  }
  await withTenant(db, tenantId, async (tx) => {
    const existing = await findMember(tx, user.id);
    if (!existing) await addMember(tx, tenantId, user.id, target.role);
    await markInvitation(tx, invitationId, "accepted");
    await insertAudit(tx, {
      tenantId,
      actorUserId: user.id,
      subjectUserId: user.id,
      action: "member.joined",
      entityType: "invitation",
      entityId: invitationId,
      before: existing ? { role: existing.role } : null,
      after: { role: existing?.role ?? target.role },
      requestId,
    });
  });
  return target.slug;
}

/** After sign-up: accept the invitation, or join the open school as a student. */
export async function joinAfterSignUp(
  db: Database,
  directory: Database,
  target: Joinable,
  user: { id: string; email: string },
  requestId?: string,
): Promise<string> {
  if (target.kind === "invitation") {
    return acceptInvitation(db, directory, user, target.invitationId, requestId);
  }
  // Asked again: the school may have closed sign-up since the page was shown.
  const { tenantId } = await resolveJoin(directory, { school: target.slug });
  if (!tenantId) throw new AppError("conflict", "This school no longer takes open sign-ups.");
  await withTenant(db, tenantId, async (tx) => {
    await addMember(tx, tenantId, user.id, "student");
    await insertAudit(tx, {
      tenantId,
      actorUserId: user.id,
      subjectUserId: user.id,
      action: "member.joined",
      entityType: "open_sign_up",
      after: { role: "student" },
      requestId,
    });
  });
  return target.slug;
}
