import { desc } from "drizzle-orm";
import type { Database } from "./client";
import { mailOutbox } from "./schema";

export type OutboxRow = typeof mailOutbox.$inferSelect;
export type NewOutboxRow = typeof mailOutbox.$inferInsert;

export async function recordMail(db: Database, mail: NewOutboxRow): Promise<OutboxRow> {
  const [row] = await db.insert(mailOutbox).values(mail).returning();
  return row!;
}

export function listRecentMail(db: Database, limit = 50): Promise<OutboxRow[]> {
  return db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(limit);
}
