import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { appRoleFor, ensureAppRole } from "./appRole";
import { runMigrations } from "./migrate";

const url = inject("ownerDatabaseUrl");

async function withFreshDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  const name = `lectern_migrate_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const target = new URL(url);
    target.pathname = `/${name}`;
    await fn(target.toString());
  } finally {
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}

/** Drop a role after revoking what it was granted in `target` (a role with grants cannot be dropped). */
async function dropAppRoleIn(target: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const role = client.escapeIdentifier(name);
    await client.query(`drop owned by ${role}`);
    await client.query(`drop role ${role}`);
  } finally {
    await client.end();
  }
}

describe("runMigrations", () => {
  it("lets several processes start at once: one migrates, the others wait and find it done", async () => {
    await withFreshDatabase(async (target) => {
      await Promise.all([runMigrations(target), runMigrations(target), runMigrations(target)]);
      const client = new pg.Client({ connectionString: target });
      await client.connect();
      try {
        const applied = await client.query(
          "select count(*)::int as n from drizzle.__drizzle_migrations",
        );
        const roles = await client.query("select key from roles order by key");
        expect(applied.rows[0].n).toBeGreaterThanOrEqual(2);
        expect(roles.rows.map((r) => r.key)).toEqual(["admin", "owner", "student", "teacher"]);
      } finally {
        await client.end();
      }
      // And once more later: nothing to do, no error.
      await runMigrations(target);
    });
  });

  it("sets up the app role from several processes at once without racing on its grants", async () => {
    await withFreshDatabase(async (target) => {
      await runMigrations(target);
      const role = appRoleFor(`lectern_race_${Date.now().toString(36)}`, "x".repeat(40));
      try {
        // Unlocked, concurrent GRANTs on one role fail with "tuple concurrently updated".
        await Promise.all(Array.from({ length: 6 }, () => ensureAppRole(target, role)));
      } finally {
        await dropAppRoleIn(target, role.name);
      }
    });
  });
});
