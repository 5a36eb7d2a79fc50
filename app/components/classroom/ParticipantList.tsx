export interface PresentPerson {
  userId: string;
  name: string;
  role: "host" | "co_teacher" | "student" | "observer";
}

const ROLE_LABEL: Record<PresentPerson["role"], string> = {
  host: "Host",
  co_teacher: "Co-teacher",
  student: "Student",
  observer: "Observer",
};

const ORDER: PresentPerson["role"][] = ["host", "co_teacher", "student", "observer"];

/**
 * Who is in the class now, teachers first; observers are hidden from students.
 * Raised hands show in the order they went up; teachers can lower them.
 */
export function ParticipantList({
  people,
  youId,
  showObservers,
  hands = [],
  onLower,
}: {
  people: PresentPerson[];
  youId: string;
  showObservers: boolean;
  /** User ids with a raised hand, first raised first. */
  hands?: string[];
  /** For teachers: lower one hand, or all (no user id). */
  onLower?: (userId?: string) => void;
}) {
  const visible = people
    .filter((p) => showObservers || p.role !== "observer")
    .sort((a, b) => ORDER.indexOf(a.role) - ORDER.indexOf(b.role) || a.name.localeCompare(b.name));
  return (
    <section className="class-panel" aria-labelledby="people-title">
      <h2 id="people-title">
        In class <span className="count-badge">{visible.length}</span>
      </h2>
      {hands.length > 0 ? (
        <p className="hands-summary" role="status">
          {hands.length} hand{hands.length === 1 ? "" : "s"} raised
          {onLower ? (
            <button type="button" className="link-button" onClick={() => onLower()}>
              Lower all
            </button>
          ) : null}
        </p>
      ) : null}
      {visible.length === 0 ? (
        <p className="muted small">Nobody has joined yet.</p>
      ) : (
        <ul className="people-list">
          {visible.map((person) => (
            <li key={person.userId}>
              <span className="avatar" aria-hidden="true">
                {person.name.slice(0, 1).toUpperCase()}
              </span>
              <span className="person-name">
                {person.name}
                {person.userId === youId ? <span className="muted"> (you)</span> : null}
              </span>
              {hands.includes(person.userId) ? (
                <span className="pill hand" title="Hand raised">
                  Hand #{hands.indexOf(person.userId) + 1}
                </span>
              ) : null}
              {onLower && hands.includes(person.userId) ? (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Lower ${person.name}'s hand`}
                  onClick={() => onLower(person.userId)}
                >
                  Lower
                </button>
              ) : null}
              <span className={`role-tag role-${person.role}`}>{ROLE_LABEL[person.role]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
