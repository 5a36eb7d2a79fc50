import { uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

/** `tenant_id` on a tenant-owned table; row-level security keys on it. */
export const tenantId = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });
