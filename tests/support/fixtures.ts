import { randomUUID } from "node:crypto";
import { createDb, type DbHandle } from "../../db/client";
import { sessions, tenants } from "../../db/schema";
import { withTenant } from "../../db/tenantContext";

export function connect(url: string, max = 25): DbHandle {
  return createDb(url, { max, applicationName: "lectern-test" });
}

/** A school with scheduled classes, unique per call so tests never share state. */
export async function createTenantWithSessions(handle: DbHandle, count = 1) {
  const slug = `school-${randomUUID().slice(0, 8)}`;
  const [tenant] = await handle.db.insert(tenants).values({ name: slug, slug }).returning();
  const startsAt = new Date(Date.now() + 3_600_000);
  const rows = await withTenant(handle.db, tenant!.id, (tx) =>
    tx
      .insert(sessions)
      .values(
        Array.from({ length: count }, (_, i) => ({
          tenantId: tenant!.id,
          title: `Class ${i + 1}`,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3_600_000),
        })),
      )
      .returning(),
  );
  return { tenant: tenant!, sessions: rows };
}
