import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./columns";
import { tenants } from "./tenancy";
import { tenantRoleKeys } from "./roles";
import { tenantId } from "./tenantColumn";

/** People. Column names follow better-auth's user model so its adapter can map onto it. */
export const users = pgTable("users", {
  id: id(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** better-auth sessions ("authSession": a "session" in Lectern is a class). */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    token: text("token").notNull().unique(),
    expiresAt: at("expires_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    activeTenantId: uuid("active_tenant_id").references(() => tenants.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("auth_sessions_user_idx").on(t.userId)],
);

/** better-auth credential accounts (the password hash lives here, never on users). */
export const authAccounts = pgTable(
  "auth_accounts",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: at("access_token_expires_at"),
    refreshTokenExpiresAt: at("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("auth_accounts_user_idx").on(t.userId)],
);

/** better-auth verification tokens (email verification, password reset). */
export const authVerifications = pgTable(
  "auth_verifications",
  {
    id: id(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: at("expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("auth_verifications_identifier_idx").on(t.identifier)],
);

/** Tenant-wide roles; the set is fixed (owner, admin, teacher, student) and seeded by migration. */
export const roles = pgTable("roles", {
  id: id(),
  key: text("key", { enum: tenantRoleKeys }).notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
});

/**
 * Membership of a person in a school, with their one tenant-wide role. This is
 * also better-auth's organization "member" model (see app/auth.server.ts).
 */
export const userRoles = pgTable(
  "user_roles",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: tenantRoleKeys })
      .notNull()
      .references(() => roles.key),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("user_roles_tenant_user_key").on(t.tenantId, t.userId),
    index("user_roles_user_idx").on(t.userId),
  ],
);

/** An emailed invitation to join a school (better-auth's organization "invitation"). */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    role: text("role", { enum: tenantRoleKeys })
      .notNull()
      .references(() => roles.key),
    status: text("status", { enum: ["pending", "accepted", "rejected", "canceled"] })
      .notNull()
      .default("pending"),
    inviterId: uuid("inviter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: at("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_tenant_email_idx").on(t.tenantId, t.email)],
);

/** better-auth's rate-limit counters, shared by every web process. */
export const authRateLimits = pgTable("auth_rate_limits", {
  id: id(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

/** Who changed whose role or permission, when, from what to what. Append-only. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: id(),
    tenantId: tenantId(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    subjectUserId: uuid("subject_user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    outcome: text("outcome", { enum: ["allowed", "denied"] })
      .notNull()
      .default("allowed"),
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_tenant_created_idx").on(t.tenantId, t.createdAt)],
);
