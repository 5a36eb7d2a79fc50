import { LocalTime } from "~/components/LocalTime";

/** Before the class starts: the teacher starts it, everyone else waits to be let in. */
export function WaitingRoom(props: {
  startsAt: string;
  canStart: boolean;
  starting: boolean;
  onStart: () => void;
}) {
  return (
    <section className="card waiting-room" aria-labelledby="waiting-title">
      {props.canStart ? (
        <>
          <h2 id="waiting-title">Ready when you are</h2>
          <p>Students who open the class now wait here and are let in when you start.</p>
          <button
            type="button"
            className="button"
            onClick={props.onStart}
            disabled={props.starting}
          >
            {props.starting ? "Starting…" : "Start class"}
          </button>
        </>
      ) : (
        <>
          <h2 id="waiting-title">Waiting for your teacher</h2>
          <p>
            The class is scheduled for <LocalTime iso={props.startsAt} />. This page opens by itself
            when it starts; no need to reload.
          </p>
        </>
      )}
    </section>
  );
}
