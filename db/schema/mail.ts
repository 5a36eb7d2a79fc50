import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns";

/**
 * Every email Lectern sends. With SMTP configured, a row records the delivery;
 * without it, this table is the outbox that the development mail page shows, so
 * reset and invitation links work on a fresh machine.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: id(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    transport: text("transport", { enum: ["outbox", "smtp"] }).notNull(),
    sentAt: at("sent_at"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("mail_outbox_created_idx").on(t.createdAt)],
);
