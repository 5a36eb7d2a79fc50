import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { ArtifactsView, StageView, VersionView } from "~/services/artifacts.server";
import { ApiError, callApi, newKey, problemOf } from "./api";

/*
 * "After class": what the artifact pipeline is making of a class that ended,
 * stage by stage (GET /api/sessions/:id/artifacts), polled while anything
 * runs, with "Re-run" for whoever may. It is asynchronous (DESIGN.md section
 * 7): when it cannot load it says so, and the page goes on. Someone the server
 * does not show it to (students, 403) sees nothing at all.
 */

/** How often to ask while a run is queued or under way. */
const POLL_MS = 3_000;

type Loaded =
  | { phase: "loading" }
  | { phase: "hidden" }
  | { phase: "unavailable" }
  | { phase: "ready"; view: ArtifactsView };

export function AfterClass({
  sessionId,
  withHeading = true,
}: {
  sessionId: string;
  /** False where something around it already says "After class" (the course page's toggle). */
  withHeading?: boolean;
}) {
  const [loaded, setLoaded] = useState<Loaded>({ phase: "loading" });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const headingId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const rerunRef = useRef<HTMLButtonElement>(null);
  const path = `/api/sessions/${sessionId}/artifacts`;

  const load = useCallback(async () => {
    try {
      const { artifacts } = await callApi<{ artifacts: ArtifactsView }>(path, { method: "GET" });
      setLoaded({ phase: "ready", view: artifacts });
    } catch (error) {
      const hidden = error instanceof ApiError && [401, 403, 404].includes(error.status);
      setLoaded((before) =>
        hidden ? { phase: "hidden" } : before.phase === "ready" ? before : { phase: "unavailable" },
      );
    }
  }, [path]);

  useEffect(() => {
    void load();
  }, [load]);

  const polling =
    loaded.phase === "unavailable" || (loaded.phase === "ready" && loaded.view.inProgress);
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [polling, load]);

  // The confirmation takes the focus; backing out hands it back to "Re-run".
  const backOut = useRef(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (backOut.current) rerunRef.current?.focus();
    backOut.current = false;
  }, [confirming]);

  if (loaded.phase === "hidden" || loaded.phase === "loading") return null;

  const rerun = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await callApi(path, { json: { action: "rerun" }, idempotencyKey: newKey("rerun") });
      setConfirming(false);
      await load();
    } catch (error) {
      setProblem(problemOf(error));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    backOut.current = true;
    setConfirming(false);
  };

  return (
    <section
      className="after-class"
      {...(withHeading ? { "aria-labelledby": headingId } : { "aria-label": "After class" })}
    >
      {withHeading ? <h2 id={headingId}>After class</h2> : null}
      {loaded.phase === "unavailable" ? (
        <p className="muted">
          The status of the recording, transcript and summary is unavailable right now. Trying
          again…
        </p>
      ) : (
        <Versions view={loaded.view} />
      )}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {loaded.phase === "ready" && loaded.view.canRerun && !confirming ? (
        <button
          ref={rerunRef}
          type="button"
          className="button secondary small"
          onClick={() => setConfirming(true)}
        >
          Re-run
        </button>
      ) : null}
      {confirming ? (
        <div
          className="after-class-confirm"
          role="group"
          aria-label="Confirm re-run"
          onKeyDown={(event) => {
            if (event.key === "Escape") cancel();
          }}
        >
          <p>
            Make the audio, transcript, chapters, highlights, summary and captions again? What there
            is now stays until the new ones are ready.
          </p>
          <div className="after-class-actions">
            <button
              ref={confirmRef}
              type="button"
              className="button small"
              disabled={busy}
              onClick={() => void rerun()}
            >
              Yes, re-run
            </button>
            <button type="button" className="button secondary small" onClick={cancel}>
              Keep it as it is
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Versions({ view }: { view: ArtifactsView }) {
  if (!view.current && !view.next) {
    return <p className="muted">Nothing has been made from this class yet.</p>;
  }
  return (
    <>
      {view.next ? (
        <Version
          version={view.next}
          title={
            view.current
              ? view.next.state === "failed"
                ? `Re-run ${view.next.version} did not finish; what you see below is still in use.`
                : `Re-run ${view.next.version}: the results below stay until it is done.`
              : null
          }
        />
      ) : null}
      {view.current ? (
        <Version
          version={view.current}
          title={view.next ? `In use: version ${view.current.version}` : null}
        />
      ) : null}
    </>
  );
}

function Version({ version, title }: { version: VersionView; title: string | null }) {
  return (
    <div className="after-class-version" data-version={version.version}>
      {title ? <p className="after-class-note">{title}</p> : null}
      <ul className="stage-list" aria-label={`Version ${version.version}, ${STATE[version.state]}`}>
        {version.stages.map((stage) => (
          <StageItem key={stage.kind} stage={stage} />
        ))}
      </ul>
    </div>
  );
}

const STATE: Record<VersionView["state"], string> = {
  queued: "queued",
  running: "in progress",
  succeeded: "done",
  failed: "did not finish",
};

const CHIP: Record<StageView["status"], { text: string; tone: string }> = {
  pending: { text: "Waiting", tone: "neutral" },
  running: { text: "Running", tone: "info" },
  succeeded: { text: "Done", tone: "ok" },
  skipped: { text: "Skipped", tone: "neutral" },
  failed: { text: "Retrying", tone: "warn" },
  dead: { text: "Failed", tone: "bad" },
};

function StageItem({ stage }: { stage: StageView }) {
  const chip = CHIP[stage.status];
  return (
    <li className="stage" data-kind={stage.kind} data-status={stage.status}>
      <span className="stage-name">{stage.label}</span>
      <span className={`pill ${chip.tone}`}>{chip.text}</span>
      {stage.status === "running" ? (
        <span
          className="stage-progress"
          role="progressbar"
          aria-label={`${stage.label} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={stage.progress}
        >
          <span style={{ width: `${stage.progress}%` }} />
        </span>
      ) : null}
      {stage.reason ? <span className="stage-reason">{stage.reason}</span> : null}
    </li>
  );
}
