import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LocalTime } from "~/components/LocalTime";
import { subscriptionUrl } from "~/services/calendar.server";
import { schedulingFor } from "~/services/scheduling.server";
import { requireMember } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction = () => [{ title: "My classes · Lectern" }];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const member = await requireMember(request, context, params.slug);
  // From the start of today (UTC) so classes earlier today still show.
  const from = new Date();
  from.setUTCHours(0, 0, 0, 0);
  const classes = await schedulingFor(context, member).agenda({
    from,
    to: new Date(from.getTime() + 8 * 86_400_000),
  });
  return {
    slug: member.tenant.slug,
    subscription: subscriptionUrl(context, member.actor),
    classes: classes.map((c) => ({
      id: c.id,
      title: c.title,
      course: c.courseTitle,
      status: c.status,
      startsAt: c.startsAt.toISOString(),
      endsAt: c.endsAt.toISOString(),
    })),
  };
});

export default function Agenda() {
  const { classes, slug, subscription } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="agenda-title">
      <h1 id="agenda-title">My classes this week</h1>
      {classes.length === 0 ? (
        <p className="card">
          Nothing scheduled for you in the coming week.{" "}
          <Link to={`/s/${slug}/courses`}>See the courses</Link>
        </p>
      ) : (
        <ul className="status-list">
          {classes.map((c) => (
            <li key={c.id} className="card status-item">
              <div>
                <strong>{c.title}</strong>
                {c.course ? <span className="muted"> · {c.course}</span> : null}
                <br />
                <LocalTime iso={c.startsAt} /> – <LocalTime iso={c.endsAt} withDate={false} />
              </div>
              <span className="toolbar" style={{ margin: 0 }}>
                <span className={`pill ${c.status === "cancelled" ? "bad" : "ok"}`}>
                  {c.status}
                </span>
                {c.status === "scheduled" || c.status === "live" ? (
                  <Link
                    className={`button${c.status === "live" ? "" : " secondary"}`}
                    to={`/class/${c.id}`}
                    aria-label={`${c.status === "live" ? "Join" : "Open"} ${c.title}`}
                  >
                    {c.status === "live" ? "Join" : "Open"}
                  </Link>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="card" style={{ marginTop: 24 }}>
        <h2>In your calendar</h2>
        <p>
          <a className="button secondary" href={`/s/${slug}/agenda.ics`} download>
            Download (.ics)
          </a>
        </p>
        <div className="field">
          <label htmlFor="subscription-url">
            Subscription link (keep it private: it shows your classes)
          </label>
          <input
            id="subscription-url"
            readOnly
            value={subscription}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      </div>
    </section>
  );
}
