import type { Database } from "../db/client";
import { addMember, findInvitation, findMember, insertAudit, markInvitation } from "../db/people";
import { findTenantBySlug, type TenantRole } from "../db/tenancy";
import { withTenant } from "../db/tenantContext";
import { AppError } from "./errors";

/*
 * Joining a school: by invitation, or by open sign-up where the school allows it.
 * Managing people (invite, change role, remove) is in core/peopleAdmin.ts.
 */

export type JoinTarget =
  | {
      kind: "invitation";
      invitationId: string;
      email: string;
      role: TenantRole;
      tenantId: string;
      slug: string;
      schoolName: string;
    }
  | { kind: "open"; tenantId: string; slug: string; schoolName: string }
  | { kind: "closed"; reason: string };

const INVITATION_GONE =
  "This invitation is no longer valid: it expired, was replaced or was already used. Ask your school for a new one.";

export async function joinTarget(
  directory: Database,
  query: { invitation?: string; school?: string },
  now = new Date(),
): Promise<JoinTarget> {
  if (query.invitation) {
    const found = /^[0-9a-f-]{36}$/i.test(query.invitation)
      ? await findInvitation(directory, query.invitation)
      : null;
    if (!found || found.invitation.status !== "pending" || found.invitation.expiresAt <= now) {
      return { kind: "closed", reason: INVITATION_GONE };
    }
    return {
      kind: "invitation",
      invitationId: found.invitation.id,
      email: found.invitation.email,
      role: found.invitation.role,
      tenantId: found.tenant.id,
      slug: found.tenant.slug,
      schoolName: found.tenant.name,
    };
  }
  if (query.school) {
    const tenant = await findTenantBySlug(directory, query.school);
    if (tenant && tenant.settings.openSignUp === true) {
      return { kind: "open", tenantId: tenant.id, slug: tenant.slug, schoolName: tenant.name };
    }
    return {
      kind: "closed",
      reason:
        "This school takes new people by invitation only. Ask a teacher or admin to invite you.",
    };
  }
  return {
    kind: "closed",
    reason: "To create an account, open the invitation link your school emailed you.",
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
  const target = await joinTarget(directory, { invitation: invitationId });
  if (target.kind !== "invitation") throw new AppError("conflict", INVITATION_GONE);
  if (target.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError(
      "forbidden",
      `This invitation is for ${target.email}. Sign in with that address to accept it.`,
    );
  }
  await withTenant(db, target.tenantId, async (tx) => {
    const existing = await findMember(tx, user.id);
    if (!existing) await addMember(tx, target.tenantId, user.id, target.role);
    await markInvitation(tx, invitationId, "accepted");
    await insertAudit(tx, {
      tenantId: target.tenantId,
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
  target: Exclude<JoinTarget, { kind: "closed" }>,
  user: { id: string; email: string },
  requestId?: string,
): Promise<string> {
  if (target.kind === "invitation") {
    return acceptInvitation(db, directory, user, target.invitationId, requestId);
  }
  await withTenant(db, target.tenantId, async (tx) => {
    await addMember(tx, target.tenantId, user.id, "student");
    await insertAudit(tx, {
      tenantId: target.tenantId,
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
