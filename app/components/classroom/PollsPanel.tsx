import { useRef, useState } from "react";
import type { Poll } from "../../../core/interaction/polls";
import { callApi, newKey, problemOf } from "./api";
import { PollComposer } from "./PollComposer";
import type { FeedEvent } from "./useClassFeed";
import { refreshDelay, useLiveResource } from "./useLiveResource";

interface Props {
  sessionId: string;
  people: { userId: string; name: string; role: string }[];
  canManage: boolean;
  canVote: boolean;
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void;
}

/**
 * Polls and quizzes. Teachers draft, start, close and share; students vote
 * and see the results once shared. Counts are read from the server when a
 * poll event arrives (coalesced), so bars move live without exposing votes.
 */
export function PollsPanel(props: Props) {
  const { sessionId } = props;
  const [composing, setComposing] = useState(false);
  const liveResults = useRef(false);
  const { data, problem, setProblem, reload } = useLiveResource<{ polls: Poll[] }>(
    `/api/sessions/${sessionId}/polls`,
    props.subscribe,
    // A vote matters to students only while they can see live results.
    (e) =>
      e.type.startsWith("poll.") &&
      (e.type !== "poll.voted" || props.canManage || liveResults.current),
    "Polls are unavailable right now. The class goes on; try again in a moment.",
    refreshDelay(props.canManage),
  );
  liveResults.current = data?.polls.some((p) => p.status === "open" && p.resultsVisible) ?? false;

  const change = async (pollId: string, json: object) => {
    try {
      await callApi(`/api/sessions/${sessionId}/polls/${pollId}`, { json });
      await reload();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };

  const polls = data?.polls ?? null;
  if (polls === null) {
    return (
      <p className="muted small" role="status">
        {problem ?? "Loading polls…"}
      </p>
    );
  }
  const names = Object.fromEntries(props.people.map((p) => [p.userId, p.name]));
  // Teachers see turnout against the students in the room now.
  const students = props.canManage ? props.people.filter((p) => p.role === "student").length : null;
  return (
    <div className="polls">
      {props.canManage ? (
        composing ? (
          <PollComposer
            sessionId={sessionId}
            onDone={() => {
              setComposing(false);
              void reload();
            }}
          />
        ) : (
          <button type="button" className="button small" onClick={() => setComposing(true)}>
            New poll
          </button>
        )
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {polls.length === 0 ? (
        <p className="muted small">
          {props.canManage ? "No polls yet. Ask the class something." : "No polls yet."}
        </p>
      ) : null}
      <ol className="poll-list" aria-label="Polls">
        {[...polls].reverse().map((poll) => (
          <li key={poll.pollId} className="poll card">
            <div className="chat-meta">
              <span className={`pill ${poll.status === "open" ? "ok" : "neutral"}`}>
                {poll.status === "draft" ? "Draft" : poll.status === "open" ? "Open" : "Closed"}
              </span>
              {poll.quiz ? <span className="pill neutral">Quiz</span> : null}
              {poll.anonymous ? <span className="pill neutral">Anonymous</span> : null}
            </div>
            <h3 className="poll-prompt">{poll.prompt}</h3>
            {props.canVote && poll.status === "open" && (!poll.myVote || poll.allowChange) ? (
              <VoteForm
                sessionId={sessionId}
                poll={poll}
                onVoted={() => void reload()}
                onError={setProblem}
              />
            ) : null}
            {poll.myVote && props.canVote ? (
              <p className="muted small" role="status">
                Your answer is in
                {poll.allowChange && poll.status === "open" ? " (you can change it)" : ""}.
                {!poll.resultsVisible ? " Results appear when your teacher shares them." : ""}
              </p>
            ) : null}
            {poll.resultsVisible ? <Results poll={poll} names={names} students={students} /> : null}
            {props.canManage ? (
              <div className="qa-actions">
                {poll.status === "draft" ? (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => void change(poll.pollId, { action: "open" })}
                  >
                    Start poll
                  </button>
                ) : null}
                {poll.status === "open" ? (
                  <>
                    <button
                      type="button"
                      className="button small"
                      onClick={() =>
                        void change(poll.pollId, { action: "close", shareResults: true })
                      }
                    >
                      Close and share results
                    </button>
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => void change(poll.pollId, { action: "close" })}
                    >
                      Close
                    </button>
                  </>
                ) : null}
                {poll.status !== "draft" && !poll.resultsShared ? (
                  <button
                    type="button"
                    className="button secondary small"
                    onClick={() => void change(poll.pollId, { action: "share" })}
                  >
                    Share results
                  </button>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

function VoteForm(props: {
  sessionId: string;
  poll: Poll;
  onVoted: () => void;
  onError: (message: string) => void;
}) {
  const { poll } = props;
  const [chosen, setChosen] = useState<string[]>(poll.myVote ?? []);
  const [sending, setSending] = useState(false);
  const single = poll.kind === "single";
  const submit = async () => {
    setSending(true);
    try {
      await callApi(`/api/sessions/${props.sessionId}/polls/${poll.pollId}/votes`, {
        json: { optionIds: chosen },
        idempotencyKey: newKey("vote"),
      });
      props.onVoted();
    } catch (e) {
      props.onError(problemOf(e));
    } finally {
      setSending(false);
    }
  };
  return (
    <form
      className="vote-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend className="visually-hidden">{poll.prompt}</legend>
        {poll.options.map((o) => (
          <label key={o.optionId} className="vote-option">
            <input
              type={single ? "radio" : "checkbox"}
              name={`poll-${poll.pollId}`}
              value={o.optionId}
              checked={chosen.includes(o.optionId)}
              onChange={(e) =>
                setChosen((list) =>
                  single
                    ? [o.optionId]
                    : e.target.checked
                      ? [...list, o.optionId]
                      : list.filter((id) => id !== o.optionId),
                )
              }
            />{" "}
            {o.label}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button small" disabled={sending || chosen.length === 0}>
        {poll.myVote ? "Change my answer" : "Vote"}
      </button>
    </form>
  );
}

function Results({
  poll,
  names,
  students,
}: {
  poll: Poll;
  names: Record<string, string>;
  students: number | null;
}) {
  const total = poll.totalVoters ?? 0;
  return (
    <div className="poll-results" aria-label={`Results: ${total} voted`}>
      <ul>
        {poll.options.map((o) => {
          const votes = o.votes ?? 0;
          const share = total ? Math.round((votes / total) * 100) : 0;
          const mine = poll.myVote?.includes(o.optionId);
          return (
            <li key={o.optionId} className={o.isCorrect ? "correct" : undefined}>
              <div className="poll-bar-label">
                <span>
                  {o.label}
                  {o.isCorrect ? " ✓" : ""}
                  {mine ? <span className="muted small"> (your answer)</span> : null}
                </span>
                <span className="muted small">
                  {votes} · {share}%
                </span>
              </div>
              <div
                className="poll-bar"
                role="meter"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={share}
                aria-label={`${o.label}: ${share}%`}
              >
                <span style={{ width: `${share}%` }} />
              </div>
              {o.voters && o.voters.length > 0 ? (
                <p className="muted small">
                  {o.voters.map((id) => names[id] ?? "Someone").join(", ")}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p className="muted small">
        {total === 1 ? "1 person voted" : `${total} people voted`}
        {students ? ` · ${students} ${students === 1 ? "student" : "students"} in class` : ""}
      </p>
    </div>
  );
}
