import nodemailer from "nodemailer";
import type { Database } from "../../db/client";
import { recordMail } from "../../db/mail";
import type { Logger } from "./logger";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** How Lectern sends email; every message is also recorded in `mail_outbox`. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * SMTP when `SMTP_URL` is set; otherwise the outbox alone, which the development
 * mail page (/dev/mail) shows, so reset and invitation links work on a fresh machine.
 */
export function createMailer(options: {
  db: Database;
  log: Logger;
  smtpUrl?: string;
  from: string;
}): Mailer {
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  return {
    async send(mail) {
      if (!transport) {
        await recordMail(options.db, { ...fields(mail), transport: "outbox" });
        options.log.info({ to: mail.to, subject: mail.subject }, "mail kept in the outbox");
        return;
      }
      try {
        await transport.sendMail({ from: options.from, ...mail });
        await recordMail(options.db, { ...fields(mail), transport: "smtp", sentAt: new Date() });
      } catch (error) {
        await recordMail(options.db, {
          ...fields(mail),
          transport: "smtp",
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    },
  };
}

function fields(mail: Mail) {
  return { toAddress: mail.to, subject: mail.subject, textBody: mail.text, htmlBody: mail.html };
}
