import type { Database } from "../../db/client";
import {
  createInvitation,
  findMemberByEmail,
  insertAudit,
  listAudit,
  listMembers,
  listPendingInvitations,
  removeMember,
  setMemberRole,
} from "../../db/people";
import { withTenant } from "../../db/tenantContext";
import { AppError } from "../platform/errors";
import type { Mailer } from "../platform/mailer";
import { memberOfThisSchool, notInSchool } from "./people";
import {
  assertCan,
  can,
  type Action,
  type Actor,
  type Resource,
  type TenantRole,
} from "./permissions";

/*
 * A school's people, managed by its admins: every role change, removal and
 * invitation is checked against core/permissions.ts and written to the audit
 * log, refusals included.
 */

export const INVITATION_DAYS = 7;

interface Deps {
  db: Database;
  requestId?: string;
}

export async function listPeople(deps: Deps, actor: Actor) {
  assertCan(actor, "member:list", { tenantId: actor.tenantId, kind: "tenant" });
  return withTenant(deps.db, actor.tenantId, async (tx) => ({
    members: await listMembers(tx),
    invitations: can(actor, "member:invite", { tenantId: actor.tenantId, kind: "member" })
      ? await listPendingInvitations(tx)
      : [],
  }));
}

export async function invitePerson(
  deps: Deps & { mailer: Mailer; appUrl: string; schoolName: string; inviterName: string },
  actor: Actor,
  input: { email: string; role: TenantRole },
) {
  await checkOrAudit(deps, actor, "member:invite", {
    tenantId: actor.tenantId,
    kind: "member",
    newRole: input.role,
  });
  const invitation = await withTenant(deps.db, actor.tenantId, async (tx) => {
    if (await findMemberByEmail(tx, input.email)) {
      throw new AppError("conflict", `${input.email} is already a member of this school.`);
    }
    const created = await createInvitation(tx, {
      tenantId: actor.tenantId,
      email: input.email,
      role: input.role,
      inviterId: actor.userId,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
    });
    await insertAudit(tx, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "member.invited",
      entityType: "invitation",
      entityId: created.id,
      after: { email: input.email, role: input.role },
      requestId: deps.requestId,
    });
    return created;
  });
  const link = new URL(`/invitations/${invitation.id}`, deps.appUrl).toString();
  await deps.mailer.send({
    to: input.email,
    subject: `You're invited to ${deps.schoolName} on Lectern`,
    text: `Hello,\n\n${deps.inviterName} invited you to join ${deps.schoolName} on Lectern as a ${input.role}.\n\nAccept the invitation here (it works for ${INVITATION_DAYS} days):\n\n${link}\n`,
  });
  return invitation;
}

export async function changeRole(
  deps: Deps,
  actor: Actor,
  input: { userId: string; role: TenantRole },
) {
  const current = await withTenant(deps.db, actor.tenantId, (tx) =>
    memberOfThisSchool(tx, input.userId),
  );
  await checkOrAudit(
    deps,
    actor,
    "member:change_role",
    {
      tenantId: actor.tenantId,
      kind: "member",
      userId: input.userId,
      role: current.role,
      newRole: input.role,
    },
    { subjectUserId: input.userId, before: { role: current.role }, after: { role: input.role } },
  );
  if (current.role === input.role) return;
  await withTenant(deps.db, actor.tenantId, async (tx) => {
    // Removed meanwhile: nothing changed, nothing audited as changed.
    if (!(await setMemberRole(tx, input.userId, input.role))) throw notInSchool();
    await insertAudit(tx, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      subjectUserId: input.userId,
      action: "member.role_changed",
      entityType: "member",
      entityId: input.userId,
      before: { role: current.role },
      after: { role: input.role },
      requestId: deps.requestId,
    });
  });
}

export async function removePerson(deps: Deps, actor: Actor, input: { userId: string }) {
  const current = await withTenant(deps.db, actor.tenantId, (tx) =>
    memberOfThisSchool(tx, input.userId),
  );
  await checkOrAudit(
    deps,
    actor,
    "member:remove",
    { tenantId: actor.tenantId, kind: "member", userId: input.userId, role: current.role },
    { subjectUserId: input.userId, before: { role: current.role }, after: null },
  );
  await withTenant(deps.db, actor.tenantId, async (tx) => {
    if (!(await removeMember(tx, input.userId))) throw notInSchool();
    await insertAudit(tx, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      subjectUserId: input.userId,
      action: "member.removed",
      entityType: "member",
      entityId: input.userId,
      before: { role: current.role },
      after: null,
      requestId: deps.requestId,
    });
  });
}

export async function auditTrail(deps: Deps, actor: Actor) {
  assertCan(actor, "audit_log:read", { tenantId: actor.tenantId, kind: "audit_log" });
  return withTenant(deps.db, actor.tenantId, (tx) => listAudit(tx));
}

/**
 * Permission check for changes to people: a refusal is itself audited (in its
 * own transaction, so it survives the failed request) before it is raised.
 */
async function checkOrAudit(
  deps: Deps,
  actor: Actor,
  action: Action,
  resource: Resource,
  change: { subjectUserId?: string; before?: unknown; after?: unknown } = {},
): Promise<void> {
  if (can(actor, action, resource)) return;
  await withTenant(deps.db, actor.tenantId, (tx) =>
    insertAudit(tx, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      subjectUserId: change.subjectUserId,
      action: action.replace(":", "."),
      entityType: resource.kind,
      entityId: change.subjectUserId,
      before: change.before ?? null,
      after: change.after ?? ("newRole" in resource ? { role: resource.newRole } : null),
      outcome: "denied",
      requestId: deps.requestId,
    }),
  );
  assertCan(actor, action, resource);
}
