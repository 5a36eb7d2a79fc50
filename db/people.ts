import { and, desc, eq, gt, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "./client";
import { auditLogs, invitations, tenants, userRoles, users } from "./schema";
import type { TenantTx } from "./tenantContext";

/*
 * People of a school: memberships, invitations and the audit trail. All of these
 * run inside a tenant context (db/tenantContext.ts) except where a function
 * takes the directory pool, which reads across schools.
 */

export type TenantRole = (typeof userRoles.$inferSelect)["role"];
export type AuditEntry = typeof auditLogs.$inferInsert;
export type InvitationRow = typeof invitations.$inferSelect;

export function listMembers(tx: TenantTx) {
  return tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: userRoles.role,
      joinedAt: userRoles.createdAt,
    })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .orderBy(users.name);
}

export async function findMember(tx: TenantTx, userId: string) {
  const [row] = await tx
    .select({ userId: users.id, name: users.name, email: users.email, role: userRoles.role })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(eq(userRoles.userId, userId));
  return row ?? null;
}

/** The members of the school among these people (the others are not in it). */
export function findMembers(tx: TenantTx, userIds: string[]) {
  return tx
    .select({ userId: userRoles.userId, role: userRoles.role })
    .from(userRoles)
    .where(inArray(userRoles.userId, userIds));
}

export async function findMemberByEmail(tx: TenantTx, email: string) {
  const [row] = await tx
    .select({ userId: users.id })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(eq(users.email, email));
  return row ?? null;
}

export async function addMember(tx: TenantTx, tenantId: string, userId: string, role: TenantRole) {
  await tx.insert(userRoles).values({ tenantId, userId, role });
}

/** Answers whether they were a member to change. */
export async function setMemberRole(
  tx: TenantTx,
  userId: string,
  role: TenantRole,
): Promise<boolean> {
  const rows = await tx
    .update(userRoles)
    .set({ role })
    .where(eq(userRoles.userId, userId))
    .returning({ userId: userRoles.userId });
  return rows.length > 0;
}

/** Answers whether they were a member to remove. */
export async function removeMember(tx: TenantTx, userId: string): Promise<boolean> {
  const rows = await tx
    .delete(userRoles)
    .where(eq(userRoles.userId, userId))
    .returning({ userId: userRoles.userId });
  return rows.length > 0;
}

export async function createInvitation(
  tx: TenantTx,
  invitation: typeof invitations.$inferInsert,
): Promise<InvitationRow> {
  // A new invitation replaces any still pending for the same address.
  await tx
    .update(invitations)
    .set({ status: "canceled" })
    .where(and(eq(invitations.email, invitation.email), eq(invitations.status, "pending")));
  const [row] = await tx.insert(invitations).values(invitation).returning();
  return row!;
}

export function listPendingInvitations(tx: TenantTx, now = new Date()) {
  return tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.status, "pending"), gt(invitations.expiresAt, now)))
    .orderBy(desc(invitations.createdAt));
}

/** An invitation and its school, by id: read through the directory pool (any school). */
export async function findInvitation(directory: Database, id: string) {
  const [row] = await directory
    .select({
      invitation: invitations,
      tenant: { id: tenants.id, name: tenants.name, slug: tenants.slug },
    })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.id, id));
  return row ?? null;
}

export async function markInvitation(tx: TenantTx, id: string, status: InvitationRow["status"]) {
  await tx.update(invitations).set({ status }).where(eq(invitations.id, id));
}

export async function insertAudit(tx: TenantTx, entry: AuditEntry) {
  await tx.insert(auditLogs).values(entry);
}

const actor = alias(users, "actor");
const subject = alias(users, "subject");

export function listAudit(tx: TenantTx, limit = 200) {
  return tx
    .select({
      id: auditLogs.id,
      action: auditLogs.action,
      outcome: auditLogs.outcome,
      before: auditLogs.before,
      after: auditLogs.after,
      requestId: auditLogs.requestId,
      createdAt: auditLogs.createdAt,
      actorName: actor.name,
      actorEmail: actor.email,
      subjectName: subject.name,
      subjectEmail: subject.email,
      entityType: auditLogs.entityType,
      entityId: auditLogs.entityId,
    })
    .from(auditLogs)
    .leftJoin(actor, eq(actor.id, auditLogs.actorUserId))
    .leftJoin(subject, eq(subject.id, auditLogs.subjectUserId))
    .orderBy(desc(auditLogs.createdAt))
    .limit(limit);
}
