import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { Database } from "./client";
import { IdempotencyConflictError, InvalidEventError, SessionNotFoundError } from "./errors";
import { notifyCommitted } from "./eventNotifier";
import { withTenantClient, type TenantTx } from "./tenantContext";
import * as schema from "./schema";

/**
 * The event log: the source of truth for every class (DESIGN.md section 5).
 * All of its SQL lives in this module.
 *
 * An append takes the next sequence numbers by bumping `sessions.last_event_seq`
 * (the row lock serialises writers of one session, so sequences are gap-free)
 * and inserts the rows in one transaction. Only once it has committed are
 * LISTENers told (db/eventNotifier.ts), so nobody hears of an event that is
 * not durable.
 */

export const NOTIFY_CHANNEL = "session_events";
export const MAX_BATCH = 1_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:/=+-]{1,200}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewEvent {
  type: string;
  version?: number;
  actorUserId?: string | null;
  payload: unknown;
  yjsUpdate?: Uint8Array | null;
}

export interface AppendInput {
  tenantId: string;
  sessionId: string;
  events: NewEvent[];
  /** A retried append with the same key returns the original events and appends nothing. */
  idempotencyKey?: string | null;
}

export interface StoredEvent {
  id: number;
  tenantId: string;
  sessionId: string;
  sequence: number;
  type: string;
  version: number;
  actorUserId: string | null;
  payload: unknown;
  yjsUpdate: Uint8Array | null;
  idempotencyKey: string | null;
  occurredAt: Date;
}

export interface AppendResult {
  events: StoredEvent[];
  /** True when the idempotency key had been seen: nothing was appended. */
  replayed: boolean;
}

export interface AppendOptions {
  /** Runs in the append's transaction (e.g. to update projections); throwing rolls it all back. */
  project?: (tx: Database, events: StoredEvent[]) => Promise<void>;
}

// Both run as functions (migration 0004) that first set the row-level-security
// tenant, so context and work stay one round trip.
const APPEND_SQL = `select id, sequence, occurred_at
from lectern_append_events($1, $2, $3, $4, $5, $6, $7, $8) order by sequence`;

const READ_SQL = `select * from lectern_read_events($1, $2, $3, $4, $5)`;

const HEAD_SQL = `select last_event_seq from sessions where id = $1 and tenant_id = $2`;

export async function appendEvents(
  pool: pg.Pool,
  input: AppendInput,
  options: AppendOptions = {},
): Promise<AppendResult> {
  checkInput(input);
  const keys = rowKeys(input.idempotencyKey, input.events.length);
  if (keys[0]) {
    const previous = await findByKey(pool, input, keys[0]);
    if (previous) return previous;
  }
  const values = [
    input.tenantId,
    input.sessionId,
    input.events.map((e) => e.type),
    input.events.map((e) => e.version ?? 1),
    input.events.map((e) => e.actorUserId ?? null),
    input.events.map((e) => JSON.stringify(e.payload ?? {})),
    input.events.map((e) => (e.yjsUpdate ? toBuffer(e.yjsUpdate) : null)),
    keys,
  ];
  try {
    const rows = options.project
      ? await appendInTransaction(pool, values, input, options.project)
      : (await pool.query<AppendedRow>({ name: "lectern_append_events", text: APPEND_SQL, values }))
          .rows;
    if (rows.length === 0) throw new SessionNotFoundError(input.sessionId);
    notifyCommitted(
      pool,
      NOTIFY_CHANNEL,
      `${input.sessionId}:${rows[0]!.sequence}-${rows[rows.length - 1]!.sequence}`,
    );
    return { events: toStored(input, rows, keys), replayed: false };
  } catch (error) {
    // Two concurrent retries of one key: the loser's transaction rolled back whole
    // (sequence bump included), so answer with the winner's events.
    if (keys[0] && isUniqueViolation(error, "session_state_events_session_idempotency_key")) {
      const previous = await findByKey(pool, input, keys[0]);
      if (previous) return previous;
    }
    throw error;
  }
}

type AppendedRow = { id: number; sequence: number; occurred_at: Date };

async function appendInTransaction(
  pool: pg.Pool,
  values: unknown[],
  input: AppendInput,
  project: NonNullable<AppendOptions["project"]>,
): Promise<AppendedRow[]> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const { rows } = await client.query<AppendedRow>({
      name: "lectern_append_events",
      text: APPEND_SQL,
      values,
    });
    if (rows.length > 0) {
      const keys = values[7] as (string | null)[];
      await project(drizzle(client, { schema }), toStored(input, rows, keys));
    }
    await client.query("commit");
    return rows;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Append inside the caller's transaction (whose tenant context is set), for
 * writes that change other tables in the same commit, e.g. scheduling a class
 * creates its row and its `session.scheduled` event together. No idempotency
 * check here: such callers claim their key in `idempotency_keys`. Call
 * `announceEvents` once the transaction has committed.
 */
export async function appendEventsIn(tx: TenantTx, input: AppendInput): Promise<StoredEvent[]> {
  checkInput(input);
  const keys = rowKeys(input.idempotencyKey, input.events.length);
  const result = await tx.execute<AppendedRow>(
    // sql.param: one array parameter each (drizzle would spread a bare array into a list).
    sql`select id, sequence, occurred_at from lectern_append_events(
      ${input.tenantId}, ${input.sessionId},
      ${sql.param(input.events.map((e) => e.type))}::text[],
      ${sql.param(input.events.map((e) => e.version ?? 1))}::int[],
      ${sql.param(input.events.map((e) => e.actorUserId ?? null))}::uuid[],
      ${sql.param(input.events.map((e) => JSON.stringify(e.payload ?? {})))}::jsonb[],
      ${sql.param(input.events.map((e) => (e.yjsUpdate ? toBuffer(e.yjsUpdate) : null)))}::bytea[],
      ${sql.param(keys)}::text[]
    ) order by sequence`,
  );
  if (result.rows.length === 0) throw new SessionNotFoundError(input.sessionId);
  return toStored(input, result.rows, keys);
}

/** Tell LISTENers about events appended by a transaction that has now committed. */
export function announceEvents(pool: pg.Pool, events: StoredEvent[]): void {
  const first = events[0];
  if (!first) return;
  notifyCommitted(
    pool,
    NOTIFY_CHANNEL,
    `${first.sessionId}:${first.sequence}-${events.at(-1)!.sequence}`,
  );
}

/** Events of a session with a sequence above `after`, in order. */
export async function readEvents(
  pool: pg.Pool,
  query: { tenantId: string; sessionId: string; after?: number; limit?: number },
): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>({
    name: "lectern_read_events",
    text: READ_SQL,
    values: [query.tenantId, query.sessionId, query.after ?? 0, query.limit ?? 500, null],
  });
  return rows.map(fromRow);
}

/** The highest sequence of a session, or null when the session does not exist. */
export async function headSequence(
  pool: pg.Pool,
  query: { tenantId: string; sessionId: string },
): Promise<number | null> {
  const { rows } = await withTenantClient(pool, query.tenantId, (client) =>
    client.query<{ last_event_seq: number }>(HEAD_SQL, [query.sessionId, query.tenantId]),
  );
  return rows[0]?.last_event_seq ?? null;
}

/** Parse a `session_events` notification payload: `<session_id>:<from>-<to>`. */
export function parseNotification(
  payload: string,
): { sessionId: string; from: number; to: number } | null {
  const match = /^([0-9a-f-]{36}):(\d+)-(\d+)$/.exec(payload);
  if (!match) return null;
  return { sessionId: match[1]!, from: Number(match[2]), to: Number(match[3]) };
}

function checkInput(input: AppendInput): void {
  if (!UUID.test(input.sessionId)) throw new SessionNotFoundError(input.sessionId);
  if (!UUID.test(input.tenantId)) throw new InvalidEventError("The tenant id is not a UUID.");
  if (input.events.length === 0) throw new InvalidEventError("An append needs at least one event.");
  if (input.events.length > MAX_BATCH) {
    throw new InvalidEventError(`An append holds at most ${MAX_BATCH} events.`);
  }
  if (input.idempotencyKey != null && !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw new InvalidEventError(
      "An idempotency key is 1-200 characters of letters, digits and _ . : / = + -",
    );
  }
}

/**
 * Every row of a keyed batch carries a key (`k`, `k#1`, `k#2`, ...) so the unique
 * index covers the whole batch and a retry can be compared row by row.
 */
function rowKeys(key: string | null | undefined, count: number): (string | null)[] {
  return Array.from({ length: count }, (_, i) => (key ? (i === 0 ? key : `${key}#${i}`) : null));
}

async function findByKey(
  pool: pg.Pool,
  input: AppendInput,
  key: string,
): Promise<AppendResult | null> {
  // One key past the batch's length detects an original batch that was longer.
  const probe = rowKeys(key, input.events.length + 1);
  const { rows } = await pool.query<EventRow>({
    name: "lectern_read_events",
    text: READ_SQL,
    values: [input.tenantId, input.sessionId, 0, null, probe],
  });
  if (rows.length === 0) return null;
  const stored = rows.map(fromRow);
  const same =
    stored.length === input.events.length &&
    stored.every((event, i) => sameEvent(event, input.events[i]!));
  if (!same) throw new IdempotencyConflictError(key);
  return { events: stored, replayed: true };
}

function sameEvent(stored: StoredEvent, requested: NewEvent): boolean {
  return (
    stored.type === requested.type &&
    stored.version === (requested.version ?? 1) &&
    stored.actorUserId === (requested.actorUserId ?? null) &&
    canonicalJson(stored.payload) === canonicalJson(requested.payload ?? {}) &&
    Buffer.compare(Buffer.from(stored.yjsUpdate ?? []), Buffer.from(requested.yjsUpdate ?? [])) ===
      0
  );
}

/** JSON with object keys sorted, so jsonb's key reordering does not count as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

type EventRow = {
  id: number;
  tenant_id: string;
  session_id: string;
  sequence: number;
  type: string;
  version: number;
  actor_user_id: string | null;
  payload: unknown;
  yjs_update: Buffer | null;
  idempotency_key: string | null;
  occurred_at: Date;
};

function fromRow(row: EventRow): StoredEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    sequence: row.sequence,
    type: row.type,
    version: row.version,
    actorUserId: row.actor_user_id,
    payload: row.payload,
    yjsUpdate: row.yjs_update ? new Uint8Array(row.yjs_update) : null,
    idempotencyKey: row.idempotency_key,
    occurredAt: row.occurred_at,
  };
}

function toStored(input: AppendInput, rows: AppendedRow[], keys: (string | null)[]): StoredEvent[] {
  return rows.map((row, i) => {
    const event = input.events[i]!;
    return {
      id: row.id,
      tenantId: input.tenantId,
      sessionId: input.sessionId,
      sequence: row.sequence,
      type: event.type,
      version: event.version ?? 1,
      actorUserId: event.actorUserId ?? null,
      // Round-trip through JSON so callers see what was stored, not their own object.
      payload: JSON.parse(JSON.stringify(event.payload ?? {})),
      yjsUpdate: event.yjsUpdate ?? null,
      idempotencyKey: keys[i] ?? null,
      occurredAt: row.occurred_at,
    };
  });
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === "23505" && e.constraint === constraint;
}

/** A class's events of some types, in order (e.g. its slide decks), without their Yjs bytes. */
export async function eventsOfTypes(
  tx: TenantTx,
  sessionId: string,
  types: string[],
): Promise<{ sequence: number; type: string; payload: unknown }[]> {
  const e = schema.sessionStateEvents;
  return tx
    .select({ sequence: e.sequence, type: e.type, payload: e.payload })
    .from(e)
    .where(and(eq(e.sessionId, sessionId), inArray(e.type, types)))
    .orderBy(asc(e.sequence));
}
