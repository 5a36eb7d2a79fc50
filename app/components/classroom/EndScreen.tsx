import { Link } from "@remix-run/react";
import type { RecorderState } from "./useBrowserRecorder";

/** After the class: ended or cancelled, and how the browser recording's upload is doing. */
export function EndScreen(props: {
  title: string;
  cancelled: boolean;
  backTo: string;
  recorder: RecorderState;
}) {
  return (
    <section className="card end-screen" aria-labelledby="end-title" role="status">
      <h1 id="end-title">{props.cancelled ? "This class was cancelled" : "Class ended"}</h1>
      <p>
        {props.cancelled
          ? `“${props.title}” will not take place.`
          : `“${props.title}” has ended. Thanks for taking part.`}
      </p>
      {props.recorder.phase === "finishing" ? (
        <p role="status">
          Finishing the recording upload: {props.recorder.uploaded} of {props.recorder.total} parts.
          Keep this page open.
        </p>
      ) : null}
      {props.recorder.phase === "done" ? <p>The recording was saved.</p> : null}
      <Link className="button" to={props.backTo}>
        Back to my classes
      </Link>
    </section>
  );
}
