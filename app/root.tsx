import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useNavigation,
  useParams,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getUser, schoolsOf } from "~/session.server";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Lectern — the live classroom for teaching" },
  {
    name: "description",
    content: "Teach live classes with slides, a shared whiteboard, chat, Q&A and polls.",
  },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  const schools = user ? await schoolsOf(context, user.id) : [];
  return {
    requestId: context.requestId,
    user: user ? { name: user.name, email: user.email } : null,
    schools: schools.map((s) => ({ name: s.name, slug: s.slug })),
  };
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

function SiteHeader() {
  const navigation = useNavigation();
  const root = useRouteLoaderData<typeof loader>("root");
  return (
    <header className="site-header">
      <nav className="site-nav" aria-label="Main">
        <NavLink to="/" className="brand" aria-label="Lectern home">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          Lectern
        </NavLink>
        <ul className="nav-links">
          <li>
            <NavLink to="/" end>
              Home
            </NavLink>
          </li>
          <li>
            <NavLink to="/status">Status</NavLink>
          </li>
        </ul>
        <span className="nav-spacer" />
        {root?.user ? (
          <div className="nav-user">
            <SchoolSwitcher schools={root.schools} />
            <NavLink to="/account" className="nav-account">
              {root.user.name}
            </NavLink>
            <Form method="post" action="/sign-out">
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </div>
        ) : (
          <NavLink to="/sign-in" className="button secondary">
            Sign in
          </NavLink>
        )}
      </nav>
      <div
        className="progress-bar"
        data-active={navigation.state !== "idle"}
        role="progressbar"
        aria-hidden={navigation.state === "idle"}
        aria-label="Loading"
      />
    </header>
  );
}

/** The person's schools; the current one is the one in the URL. */
function SchoolSwitcher({ schools }: { schools: { name: string; slug: string }[] }) {
  const { slug } = useParams();
  const current = schools.find((s) => s.slug === slug);
  if (schools.length === 0) return null;
  if (schools.length === 1 && current) return <span className="muted">{current.name}</span>;
  return (
    <details className="school-switcher">
      <summary aria-label="Switch school">{current ? current.name : "Your schools"} ▾</summary>
      <ul>
        {schools.map((school) => (
          <li key={school.slug}>
            <Link to={`/s/${school.slug}`} aria-current={school.slug === slug ? "page" : undefined}>
              {school.name}
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}

function SiteFooter() {
  return (
    <footer className="site-footer">
      <p>Lectern · the live classroom built for teaching</p>
    </footer>
  );
}

/** Friendly pages for every failure; details stay in the server log under the request id. */
export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const forbidden = isRouteErrorResponse(error) && error.status === 403;
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-code">{status}</p>
      <h1 id="error-title">
        {notFound
          ? "We couldn't find that page"
          : forbidden
            ? "You don't have access to this"
            : unavailable
              ? "Lectern is briefly unavailable"
              : "Something went wrong"}
      </h1>
      <p>
        {notFound
          ? "The link may be old, or the page may have moved."
          : forbidden
            ? "Your role in this school doesn't include it. Ask your school's admin if you need it."
            : unavailable
              ? "We can't reach our database right now. Nothing you saved is lost: try again in a few seconds."
              : "We hit a problem showing this page. Please try again in a moment."}
      </p>
      <p>
        <a className="button" href="/">
          Back to the home page
        </a>
      </p>
      {!notFound && !forbidden && root?.requestId ? (
        <p className="muted small">
          If this keeps happening, tell your school's admin this reference:{" "}
          <code>{root.requestId}</code>
        </p>
      ) : null}
    </section>
  );
}
