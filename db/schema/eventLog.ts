import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  foreignKey,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns";
import { sessions } from "./classroom";
import { tenantId } from "./tenantColumn";

export const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * The source of truth: every state change of a class, gap-free per session.
 * Rows are only ever inserted (by db/eventLog.ts), never updated.
 */
export const sessionStateEvents = pgTable(
  "session_state_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid("tenant_id").notNull(),
    sessionId: uuid("session_id").notNull(),
    sequence: bigint("sequence", { mode: "number" }).notNull(),
    type: text("type").notNull(),
    version: integer("version").notNull().default(1),
    // No foreign key: the log is history and is never rewritten when a user is deleted.
    actorUserId: uuid("actor_user_id"),
    payload: jsonb("payload").notNull().default({}),
    yjsUpdate: bytea("yjs_update"),
    idempotencyKey: text("idempotency_key"),
    occurredAt: at("occurred_at")
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    // One key to the session that also pins the tenant. Its check locks only the
    // session row, which the append has already locked; a plain tenant_id key would
    // make every concurrent append of a school share-lock the same tenants row.
    foreignKey({
      name: "session_state_events_session_fk",
      columns: [t.sessionId, t.tenantId],
      foreignColumns: [sessions.id, sessions.tenantId],
    }).onDelete("cascade"),
    uniqueIndex("session_state_events_session_sequence_key").on(t.sessionId, t.sequence),
    // Partial: most events carry no key, and every index is paid for on each append.
    uniqueIndex("session_state_events_session_idempotency_key")
      .on(t.sessionId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

/** Snapshots of a class's Y.Doc so loading does not replay the whole log. */
export const sessionDocCheckpoints = pgTable(
  "session_doc_checkpoints",
  {
    tenantId: tenantId(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    uptoSequence: bigint("upto_sequence", { mode: "number" }).notNull(),
    state: bytea("state").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.uptoSequence] })],
);
