import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { authSession, schoolsOf } from "~/session.server";

export const meta: MetaFunction = () => [{ title: "Lectern — the live classroom for teaching" }];

const features = [
  {
    title: "Teach live, together",
    text: "Camera and voice, slides and a whiteboard your co-teacher can draw on at the same time.",
  },
  {
    title: "Hear every student",
    text: "Chat, moderated questions, polls and raised hands, with a queue you can work through.",
  },
  {
    title: "Nothing is lost",
    text: "Every change in class is recorded in order, so a dropped connection picks up where it left off.",
  },
  {
    title: "Replay with context",
    text: "After class: transcript, captions, chapters and the board exactly as it was at each moment.",
  },
];

/** Signed-in people go straight to the school they used last (or their first). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await authSession(request, context);
  if (!session) return null;
  const schools = await schoolsOf(context, session.user.id);
  const school = schools.find((s) => s.id === session.session.activeOrganizationId) ?? schools[0];
  if (school) throw redirect(`/s/${school.slug}`);
  return null;
}

export default function Home() {
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <div>
          <h1 id="hero-title">The live classroom built for teaching</h1>
          <p className="lead">
            Schedule a class, start it, and teach it in the browser: slides, a shared whiteboard,
            questions and polls, then a replay your students can search.
          </p>
        </div>
        <div className="hero-actions">
          <Link className="button" to="/sign-in">
            Sign in
          </Link>
          <Link className="button secondary" to="/status">
            Check system status
          </Link>
        </div>
      </section>

      <h2>What Lectern gives a class</h2>
      <ul className="cards">
        {features.map((feature) => (
          <li key={feature.title} className="card">
            <h3>{feature.title}</h3>
            <p>{feature.text}</p>
          </li>
        ))}
      </ul>

      <h2>How a class runs</h2>
      <ol className="steps">
        <li>A teacher schedules the class and enrols the students.</li>
        <li>At start time the teacher opens the room; waiting students are let in.</li>
        <li>Teachers present and draw; students ask, vote and raise hands.</li>
        <li>After class the recording becomes a searchable replay with chapters.</li>
      </ol>
    </>
  );
}
