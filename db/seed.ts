import { eq } from "drizzle-orm";
import type { Database } from "./client";
import { courses, lessons, tenantDomains, tenants } from "./schema";

export const DEMO_TENANT_SLUG = "demo";

export interface SeedResult {
  created: boolean;
  tenant: { id: string; name: string; slug: string };
}

/**
 * The demo school a fresh development database starts with. Idempotent: it
 * looks the school up by slug and only creates what is missing.
 */
export async function seedDemo(db: Database): Promise<SeedResult> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    if (existing) return { created: false, tenant: existing };

    const [tenant] = await tx
      .insert(tenants)
      .values({ name: "Demo School", slug: DEMO_TENANT_SLUG, settings: { openSignUp: true } })
      .returning();
    if (!tenant) throw new Error("seed: tenant insert returned nothing");
    await tx
      .insert(tenantDomains)
      .values([
        { tenantId: tenant.id, host: "localhost" },
        { tenantId: tenant.id, host: "demo.lectern.test" },
      ])
      .onConflictDoNothing();
    const [course] = await tx
      .insert(courses)
      .values({
        tenantId: tenant.id,
        title: "Introduction to Astronomy",
        description: "From the night sky to the life of stars: a first course for curious minds.",
      })
      .returning();
    await tx.insert(lessons).values({
      tenantId: tenant.id,
      courseId: course!.id,
      title: "The Moon and its phases",
      description: "Why the Moon changes shape, with a live whiteboard demonstration.",
      position: 1,
    });
    return { created: true, tenant };
  });
}
