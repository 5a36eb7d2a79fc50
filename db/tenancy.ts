import { and, asc, eq } from "drizzle-orm";
import type { Database } from "./client";
import { tenantDomains, tenants, userRoles } from "./schema";

/*
 * Directory lookups: which school a request is for and which schools a person
 * belongs to. They read across schools, so callers pass the directory pool.
 */

export type TenantRow = typeof tenants.$inferSelect;
export type TenantRole = (typeof userRoles.$inferSelect)["role"];

export async function findTenantByHost(
  directory: Database,
  host: string,
): Promise<TenantRow | null> {
  const [row] = await directory
    .select({ tenant: tenants })
    .from(tenantDomains)
    .innerJoin(tenants, eq(tenants.id, tenantDomains.tenantId))
    .where(eq(tenantDomains.host, host.toLowerCase()));
  return row?.tenant ?? null;
}

export async function findTenantBySlug(
  directory: Database,
  slug: string,
): Promise<TenantRow | null> {
  const [row] = await directory.select().from(tenants).where(eq(tenants.slug, slug));
  return row ?? null;
}

export async function findMembership(
  directory: Database,
  userId: string,
  tenantId: string,
): Promise<TenantRole | null> {
  const [row] = await directory
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.tenantId, tenantId)));
  return row?.role ?? null;
}

export function listSchoolsOf(directory: Database, userId: string) {
  return directory
    .select({ id: tenants.id, name: tenants.name, slug: tenants.slug, role: userRoles.role })
    .from(userRoles)
    .innerJoin(tenants, eq(tenants.id, userRoles.tenantId))
    .where(eq(userRoles.userId, userId))
    .orderBy(asc(tenants.name));
}

export async function findTenantById(directory: Database, id: string): Promise<TenantRow | null> {
  const [row] = await directory.select().from(tenants).where(eq(tenants.id, id));
  return row ?? null;
}

/** Every school's id (for background passes that visit each school in turn). */
export async function listTenantIds(directory: Database): Promise<string[]> {
  const rows = await directory.select({ id: tenants.id }).from(tenants).orderBy(asc(tenants.id));
  return rows.map((r) => r.id);
}
