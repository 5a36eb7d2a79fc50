import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { recentMail } from "~/services/mail.server";

export const meta: MetaFunction = () => [{ title: "Sent mail (development) · Lectern" }];

/** The outbox, so reset and invitation links work without an SMTP server. Never in production. */
export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.config.MAIL_OUTBOX_PAGE) throw new Response("Not Found", { status: 404 });
  const mails = await recentMail(context.db.db);
  return {
    smtp: Boolean(context.config.SMTP_URL),
    mails: mails.map((m) => ({
      id: m.id,
      to: m.toAddress,
      subject: m.subject,
      text: m.textBody,
      createdAt: m.createdAt.toISOString(),
      transport: m.transport,
    })),
  };
}

const URL_PATTERN = /(https?:\/\/[^\s]+)/g;

/** Plain text with its links clickable; React escapes everything else. */
function Linkified({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) => (
        <Fragment key={i}>{i % 2 === 1 ? <a href={part}>{part}</a> : part}</Fragment>
      ))}
    </>
  );
}

export default function DevMail() {
  const { mails, smtp } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="mail-title">
      <div className="page-header">
        <div>
          <h1 id="mail-title">Sent mail</h1>
          <p className="muted">
            Development only.{" "}
            {smtp ? "Mail also goes out over SMTP." : "No SMTP server is set, so mail stays here."}
          </p>
        </div>
      </div>
      {mails.length === 0 ? (
        <p className="card">No mail yet. Ask for a password reset or invite someone.</p>
      ) : (
        <ol className="mail-list">
          {mails.map((mail) => (
            <li key={mail.id} className="card">
              <h2>{mail.subject}</h2>
              <p className="muted small">
                To <strong>{mail.to}</strong> ·{" "}
                <time dateTime={mail.createdAt}>
                  {mail.createdAt.replace("T", " ").slice(0, 19)} UTC
                </time>
              </p>
              <pre className="mail-body">
                <Linkified text={mail.text} />
              </pre>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
