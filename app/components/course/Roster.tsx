import { Form } from "@remix-run/react";

/** Enrolling the school's students on the course; those already on it stay ticked. */
export function Roster({
  roster,
  busy,
  error,
}: {
  roster: { userId: string; name: string; enrolled: boolean }[];
  busy: boolean;
  error?: string;
}) {
  return (
    <div className="card">
      <h2>Roster</h2>
      {roster.length === 0 ? (
        <p>No students in this school yet.</p>
      ) : (
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="enroll" />
          <fieldset>
            <legend className="field-label">Students taking this course</legend>
            {roster.map((s) => (
              <label key={s.userId} className="checkbox">
                <input
                  type="checkbox"
                  name="userIds"
                  value={s.userId}
                  defaultChecked={s.enrolled}
                  disabled={s.enrolled}
                />{" "}
                {s.name}
                {s.enrolled ? <span className="muted"> (enrolled)</span> : null}
              </label>
            ))}
          </fieldset>
          {error ? <p className="field-error">{error}</p> : null}
          <button className="button" type="submit" disabled={busy}>
            Enrol selected
          </button>
        </Form>
      )}
    </div>
  );
}
