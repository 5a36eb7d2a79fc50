import { Link, useRouteLoaderData } from "@remix-run/react";
import type { ClassPageData } from "~/routes/class.$id";
import { AfterClass } from "./AfterClass";
import type { RecorderState } from "./useBrowserRecorder";

/**
 * After the class: ended or cancelled, how the browser recording's upload is
 * doing and, for its teachers, what is being made of it ("After class").
 */
export function EndScreen(props: {
  title: string;
  cancelled: boolean;
  backTo: string;
  recorder: RecorderState;
}) {
  const data = useRouteLoaderData<ClassPageData>("routes/class.$id");
  // Students never see it; the server decides for everyone else (school admins look in as observers).
  const afterClass = !props.cancelled && data && data.you.role !== "student";
  return (
    <section className="card end-screen" aria-labelledby="end-title">
      <div role="status" className="end-screen-status">
        <h1 id="end-title">{props.cancelled ? "This class was cancelled" : "Class ended"}</h1>
        <p>
          {props.cancelled
            ? `“${props.title}” will not take place.`
            : `“${props.title}” has ended. Thanks for taking part.`}
        </p>
      </div>
      {props.recorder.phase === "finishing" ? (
        <p role="status">
          Finishing the recording upload: {props.recorder.uploaded} of {props.recorder.total} parts.
          Keep this page open.
        </p>
      ) : null}
      {props.recorder.phase === "done" ? <p>The recording was saved.</p> : null}
      {afterClass ? <AfterClass sessionId={data.class.id} /> : null}
      <Link className="button" to={props.backTo}>
        Back to my classes
      </Link>
    </section>
  );
}
