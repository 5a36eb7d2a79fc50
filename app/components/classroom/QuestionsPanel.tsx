import { useState } from "react";
import type { Question } from "../../../core/interaction/questions";
import { callApi, newKey, problemOf } from "./api";
import type { FeedEvent } from "./useClassFeed";
import { refreshDelay, useLiveResource } from "./useLiveResource";

interface Props {
  sessionId: string;
  people: { userId: string; name: string }[];
  canAsk: boolean;
  canUpvote: boolean;
  canModerate: boolean;
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void;
}

const STATUS_LABEL = { open: null, answered: "Answered", dismissed: "Dismissed" } as const;

/**
 * Moderated Q&A: ask (optionally anonymously), upvote, and for teachers
 * answer, pin and dismiss. The list is read from the server whenever a
 * question event arrives, so anonymity and visibility stay the server's call.
 */
export function QuestionsPanel(props: Props) {
  const { sessionId } = props;
  const [sort, setSort] = useState<"top" | "recent">("top");
  const [draft, setDraft] = useState("");
  const [anonymous, setAnonymous] = useState(false);
  const [sending, setSending] = useState(false);
  const [answering, setAnswering] = useState<string | null>(null);
  const { data, problem, setProblem, reload } = useLiveResource<{ questions: Question[] }>(
    `/api/sessions/${sessionId}/questions?sort=${sort}`,
    props.subscribe,
    (e) => e.type.startsWith("question."),
    "Q&A is unavailable right now. The class goes on; try again in a moment.",
    refreshDelay(props.canModerate),
  );

  const ask = async () => {
    const body = draft.trim();
    if (!body || sending) return;
    setSending(true);
    try {
      await callApi(`/api/sessions/${sessionId}/questions`, {
        json: { body, anonymous },
        idempotencyKey: newKey("question"),
      });
      setDraft("");
      await reload();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSending(false);
    }
  };

  const act = async (questionId: string, json: object) => {
    try {
      await callApi(`/api/sessions/${sessionId}/questions/${questionId}`, { json });
      await reload();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };

  const names = Object.fromEntries(props.people.map((p) => [p.userId, p.name]));
  const questions = data?.questions ?? null;
  return (
    <div className="qa">
      <div className="qa-toolbar" role="group" aria-label="Sort questions">
        {(["top", "recent"] as const).map((s) => (
          <button
            key={s}
            type="button"
            className="button secondary small"
            aria-pressed={sort === s}
            onClick={() => setSort(s)}
          >
            {s === "top" ? "Top" : "Newest"}
          </button>
        ))}
      </div>
      {questions === null ? (
        <p className="muted small" role="status">
          {problem ?? "Loading questions…"}
        </p>
      ) : (
        <ol className="qa-list" aria-label="Questions" aria-live="polite">
          {questions.length === 0 ? <li className="muted small">No questions yet.</li> : null}
          {questions.map((q) => (
            <li
              key={q.questionId}
              className={`qa-item${q.status === "dismissed" ? " dismissed" : ""}`}
              data-sequence={q.sequence}
            >
              <div className="qa-votes">
                <button
                  type="button"
                  className="vote-button"
                  aria-pressed={q.upvotedByMe}
                  aria-label={`Upvote (${q.upvotes})`}
                  title={q.mine ? "Your question" : q.upvotedByMe ? "You upvoted this" : "Upvote"}
                  disabled={!props.canUpvote || q.mine || q.upvotedByMe || q.status !== "open"}
                  onClick={() => void act(q.questionId, { action: "upvote" })}
                >
                  ▲ <span>{q.upvotes}</span>
                </button>
              </div>
              <div className="qa-main">
                <div className="chat-meta">
                  <strong>
                    {q.mine
                      ? q.anonymous
                        ? "You (anonymous)"
                        : "You"
                      : q.anonymous || !q.authorUserId
                        ? "Anonymous"
                        : (names[q.authorUserId] ?? "A classmate")}
                  </strong>
                  <time dateTime={q.at} className="muted small">
                    {new Date(q.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                  </time>
                  {q.pinned ? <span className="pill neutral">Pinned</span> : null}
                  {STATUS_LABEL[q.status] ? (
                    <span className={`pill ${q.status === "answered" ? "ok" : "neutral"}`}>
                      {STATUS_LABEL[q.status]}
                    </span>
                  ) : null}
                </div>
                <p className="chat-body">{q.body}</p>
                {q.answer ? <p className="qa-answer">{q.answer}</p> : null}
                {props.canModerate && q.status !== "dismissed" ? (
                  <div className="qa-actions">
                    {q.status === "open" ? (
                      <>
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => void act(q.questionId, { action: "answer" })}
                        >
                          Mark answered
                        </button>
                        <button
                          type="button"
                          className="link-button"
                          aria-expanded={answering === q.questionId}
                          onClick={() =>
                            setAnswering(answering === q.questionId ? null : q.questionId)
                          }
                        >
                          Answer in writing
                        </button>
                      </>
                    ) : null}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void act(q.questionId, { action: "pin", pinned: !q.pinned })}
                    >
                      {q.pinned ? "Unpin" : "Pin"}
                    </button>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void act(q.questionId, { action: "dismiss" })}
                    >
                      Dismiss
                    </button>
                  </div>
                ) : null}
                {answering === q.questionId ? (
                  <AnswerForm
                    onCancel={() => setAnswering(null)}
                    onAnswer={async (answer) => {
                      await act(q.questionId, { action: "answer", answer });
                      setAnswering(null);
                    }}
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
      {problem && questions !== null ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {props.canAsk ? (
        <form
          className="chat-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void ask();
          }}
        >
          <label htmlFor="qa-draft" className="visually-hidden">
            Your question
          </label>
          <textarea
            id="qa-draft"
            className="input"
            rows={2}
            maxLength={1_000}
            placeholder="Ask a question…"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <div className="chat-actions">
            <label className="check">
              <input
                type="checkbox"
                checked={anonymous}
                onChange={(e) => setAnonymous(e.target.checked)}
              />{" "}
              Ask anonymously
            </label>
            <button className="button" type="submit" disabled={sending || !draft.trim()}>
              Ask
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

function AnswerForm(props: { onAnswer: (answer: string) => Promise<void>; onCancel: () => void }) {
  const [answer, setAnswer] = useState("");
  return (
    <form
      className="chat-compose"
      onSubmit={(e) => {
        e.preventDefault();
        if (answer.trim()) void props.onAnswer(answer.trim());
      }}
    >
      <label className="visually-hidden" htmlFor="qa-answer">
        Your answer
      </label>
      <textarea
        id="qa-answer"
        className="input"
        rows={2}
        maxLength={4_000}
        // The teacher asked for this form just now: put them in it.
        autoFocus
        value={answer}
        onChange={(e) => setAnswer(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && props.onCancel()}
      />
      <div className="chat-actions">
        <button type="button" className="link-button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button small" disabled={!answer.trim()}>
          Post answer
        </button>
      </div>
    </form>
  );
}
