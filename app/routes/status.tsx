import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { checkHealth, checkReadiness } from "~/services/health.server";

export const meta: MetaFunction = () => [{ title: "System status · Lectern" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const [health, readiness] = await Promise.all([
    checkHealth(context.db.pool),
    checkReadiness(context.db.pool, context.readiness),
  ]);
  return {
    database: health.body.checks.database,
    ready: readiness.body,
    role: context.config.ROLE,
    checkedAt: new Date().toISOString(),
  };
}

/** Server and browser may sit in different zones; UTC renders the same in both. */
function formatUtcTime(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

export default function Status() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const checking = revalidator.state !== "idle";
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">System status</h1>
      <p className="lead">Whether this Lectern server can serve classes right now.</p>
      <div className="card">
        <ul className="status-list" aria-live="polite">
          <li className="status-item">
            <span>Database</span>
            {data.database.ok ? (
              <span className="pill ok">Reachable · {data.database.latencyMs} ms</span>
            ) : (
              <span className="pill bad">Unreachable</span>
            )}
          </li>
          <li className="status-item">
            <span>Accepting traffic</span>
            <span className={`pill ${data.ready.ready ? "ok" : "bad"}`}>
              {data.ready.ready ? "Yes" : `No · ${data.ready.reason}`}
            </span>
          </li>
          <li className="status-item">
            <span>Server role</span>
            <span>{data.role}</span>
          </li>
        </ul>
        <div className="toolbar">
          <button
            type="button"
            className="button secondary"
            onClick={() => revalidator.revalidate()}
            disabled={checking}
          >
            {checking ? "Checking…" : "Check again"}
          </button>
          <span className="muted small">
            Checked at <time dateTime={data.checkedAt}>{formatUtcTime(data.checkedAt)}</time>
          </span>
        </div>
        <p className="muted small">
          Health probes for monitoring: <a href="/healthz">/healthz</a> and{" "}
          <a href="/readyz">/readyz</a>
        </p>
      </div>
    </section>
  );
}
