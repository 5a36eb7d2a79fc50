import { useState } from "react";
import { callApi, newKey, problemOf } from "./api";

interface Draft {
  prompt: string;
  kind: "single" | "multiple";
  anonymous: boolean;
  quiz: boolean;
  allowChange: boolean;
  options: { label: string; isCorrect: boolean }[];
}

const EMPTY: Draft = {
  prompt: "",
  kind: "single",
  anonymous: false,
  quiz: false,
  allowChange: false,
  options: [
    { label: "", isCorrect: false },
    { label: "", isCorrect: false },
  ],
};

/** The teacher's form for a new poll or quiz: save it as a draft or start it now. */
export function PollComposer(props: { sessionId: string; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setOption = (i: number, patch: Partial<Draft["options"][number]>) =>
    setDraft((d) => ({
      ...d,
      options: d.options.map((o, j) =>
        j === i
          ? { ...o, ...patch }
          : d.kind === "single" && patch.isCorrect
            ? { ...o, isCorrect: false }
            : o,
      ),
    }));

  const save = async (open: boolean) => {
    setSending(true);
    setProblem(null);
    try {
      await callApi(`/api/sessions/${props.sessionId}/polls`, {
        json: {
          ...draft,
          options: draft.options
            .filter((o) => o.label.trim())
            .map((o) => ({ label: o.label, isCorrect: draft.quiz && o.isCorrect })),
          open,
        },
        idempotencyKey: newKey("poll"),
      });
      setDraft(EMPTY);
      props.onDone();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      className="poll-composer card"
      aria-label="New poll"
      onSubmit={(e) => {
        e.preventDefault();
        void save(true);
      }}
    >
      <div className="field">
        <label htmlFor="poll-prompt">Poll question</label>
        <input
          id="poll-prompt"
          className="input"
          maxLength={500}
          value={draft.prompt}
          onChange={(e) => set({ prompt: e.target.value })}
          placeholder="What should we cover next?"
        />
      </div>
      <fieldset className="poll-options">
        <legend className="field-label">Options</legend>
        {draft.options.map((o, i) => (
          <div key={i} className="poll-option-row">
            {draft.quiz ? (
              <input
                type={draft.kind === "single" ? "radio" : "checkbox"}
                name="poll-correct"
                aria-label={`Option ${i + 1} is right`}
                checked={o.isCorrect}
                onChange={(e) => setOption(i, { isCorrect: e.target.checked })}
              />
            ) : null}
            <input
              className="input"
              aria-label={`Option ${i + 1}`}
              maxLength={200}
              value={o.label}
              onChange={(e) => setOption(i, { label: e.target.value })}
            />
            {draft.options.length > 2 ? (
              <button
                type="button"
                className="link-button"
                aria-label={`Remove option ${i + 1}`}
                onClick={() => set({ options: draft.options.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        {draft.options.length < 20 ? (
          <button
            type="button"
            className="link-button"
            onClick={() => set({ options: [...draft.options, { label: "", isCorrect: false }] })}
          >
            Add an option
          </button>
        ) : null}
      </fieldset>
      <div className="poll-settings">
        <label className="check">
          <input
            type="checkbox"
            checked={draft.kind === "multiple"}
            onChange={(e) => set({ kind: e.target.checked ? "multiple" : "single" })}
          />{" "}
          Several answers allowed
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.anonymous}
            onChange={(e) => set({ anonymous: e.target.checked })}
          />{" "}
          Anonymous
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.quiz}
            onChange={(e) => set({ quiz: e.target.checked })}
          />{" "}
          Quiz (mark the right answer)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.allowChange}
            onChange={(e) => set({ allowChange: e.target.checked })}
          />{" "}
          Students may change their answer
        </label>
      </div>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="qa-actions">
        <button type="submit" className="button small" disabled={sending}>
          Start poll
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={sending}
          onClick={() => void save(false)}
        >
          Save draft
        </button>
        <button type="button" className="link-button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
