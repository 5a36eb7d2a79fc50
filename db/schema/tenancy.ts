import { jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns";

/** A school. Every tenant-owned row elsewhere carries `tenant_id` pointing here. */
export const tenants = pgTable("tenants", {
  id: id(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  // better-auth organization fields (the plugin's organization model is this table).
  logo: text("logo"),
  metadata: text("metadata"),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Host names that resolve to a tenant, e.g. `acme.lectern.test`. */
export const tenantDomains = pgTable(
  "tenant_domains",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    host: text("host").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tenant_domains_host_key").on(t.host)],
);
