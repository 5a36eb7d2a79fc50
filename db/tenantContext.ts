import { sql } from "drizzle-orm";
import type pg from "pg";
import type { Database } from "./client";

/** A drizzle transaction; queries inside run in one tenant's context. */
export type TenantTx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Run `fn` in a transaction whose row-level-security context is `tenantId`:
 * every tenant-owned table shows and accepts only that school's rows, whatever
 * the queries inside forget to filter.
 */
export function withTenant<T>(
  db: Database,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await setTenant(tx, tenantId);
    return fn(tx);
  });
}

/** Switch the tenant context of an open transaction (until it ends). */
export async function setTenant(tx: TenantTx, tenantId: string): Promise<void> {
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}

/** The same for raw `pg` work (the event log's SQL). */
export async function withTenantClient<T>(
  pool: pg.Pool,
  tenantId: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
