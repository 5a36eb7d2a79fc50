import { hashPassword } from "better-auth/crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./client";
import { authAccounts, courses, lessons, tenantDomains, tenants, userRoles, users } from "./schema";
import { setTenant } from "./tenantContext";

export const DEMO_TENANT_SLUG = "demo";
const SEED_LOCK_KEY = 7_343_214_002;
export const DEMO_PASSWORD = "lectern-demo-2026";

type TenantRole = (typeof userRoles.$inferInsert)["role"];

/** The people of the demo school; the two teachers act as host and co-teacher. */
export const demoPeople: { name: string; email: string; role: TenantRole }[] = [
  { name: "Ada Admin", email: "admin@demo.lectern.test", role: "admin" },
  { name: "Tom Teacher", email: "teacher@demo.lectern.test", role: "teacher" },
  { name: "Cora Coteacher", email: "coteacher@demo.lectern.test", role: "teacher" },
  { name: "Sam Student", email: "student1@demo.lectern.test", role: "student" },
  { name: "Sara Student", email: "student2@demo.lectern.test", role: "student" },
  { name: "Sol Student", email: "student3@demo.lectern.test", role: "student" },
];

export const SECOND_TENANT_SLUG = "riverside";
const secondSchoolPeople: { email: string; role: TenantRole }[] = [
  { email: "admin@demo.lectern.test", role: "admin" },
  { email: "teacher@demo.lectern.test", role: "teacher" },
];

export interface SeedResult {
  created: boolean;
  tenant: { id: string; name: string; slug: string };
  logins: { email: string; role: TenantRole }[];
}

/**
 * The demo school (and a second one) a fresh development database starts with. Idempotent: each
 * piece is looked up first and only what is missing is created.
 */
export async function seedDemo(db: Database): Promise<SeedResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    // Processes starting together seed one after the other; the later ones find it done.
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    let [tenant] = await tx.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    const created = !tenant;
    if (!tenant) {
      [tenant] = await tx
        .insert(tenants)
        .values({ name: "Demo School", slug: DEMO_TENANT_SLUG, settings: { openSignUp: true } })
        .returning();
    }
    const tenantId = tenant!.id;

    const emails = demoPeople.map((p) => p.email);
    const existing = await tx.select().from(users).where(inArray(users.email, emails));
    const missing = demoPeople.filter((p) => !existing.some((u) => u.email === p.email));
    const inserted = missing.length
      ? await tx
          .insert(users)
          .values(missing.map((p) => ({ name: p.name, email: p.email, emailVerified: true })))
          .returning()
      : [];
    if (inserted.length) {
      await tx.insert(authAccounts).values(
        // better-auth's email/password accounts: provider "credential", account id = user id.
        inserted.map((u) => ({
          userId: u.id,
          accountId: u.id,
          providerId: "credential",
          password: passwordHash,
        })),
      );
    }
    const people = [...existing, ...inserted];

    await setTenant(tx, tenantId);
    await tx
      .insert(tenantDomains)
      .values({ tenantId, host: "demo.lectern.test" })
      .onConflictDoNothing();
    await tx
      .insert(userRoles)
      .values(
        demoPeople.map((p) => ({
          tenantId,
          userId: people.find((u) => u.email === p.email)!.id,
          role: p.role,
        })),
      )
      .onConflictDoNothing();
    if (created) {
      const teacher = people.find((u) => u.email === "teacher@demo.lectern.test")!;
      const [course] = await tx
        .insert(courses)
        .values({
          tenantId,
          title: "Introduction to Astronomy",
          description: "From the night sky to the life of stars: a first course for curious minds.",
          createdBy: teacher.id,
        })
        .returning();
      await tx.insert(lessons).values({
        tenantId,
        courseId: course!.id,
        title: "The Moon and its phases",
        description: "Why the Moon changes shape, with a live whiteboard demonstration.",
        position: 1,
      });
    }
    // A second school, so people in two schools (and the school switcher) can be tried.
    let [second] = await tx.select().from(tenants).where(eq(tenants.slug, SECOND_TENANT_SLUG));
    second ??= (
      await tx
        .insert(tenants)
        .values({ name: "Riverside Evening School", slug: SECOND_TENANT_SLUG })
        .returning()
    )[0];
    await setTenant(tx, second!.id);
    await tx
      .insert(userRoles)
      .values(
        secondSchoolPeople.map((p) => ({
          tenantId: second!.id,
          userId: people.find((u) => u.email === p.email)!.id,
          role: p.role,
        })),
      )
      .onConflictDoNothing();

    return {
      created,
      tenant: tenant!,
      logins: demoPeople.map((p) => ({ email: p.email, role: p.role })),
    };
  });
}
