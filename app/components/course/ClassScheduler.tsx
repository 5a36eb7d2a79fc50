import { Form } from "@remix-run/react";
import { Fragment, useState, type RefObject } from "react";
import type { FieldErrors } from "../../../core/identity/authForms";
import { Field } from "~/components/Field";
import { LocalTime } from "~/components/LocalTime";
import { AfterClass } from "~/components/classroom/AfterClass";
import type { Lesson } from "./CourseEditor";

/*
 * A course's classes: the list (with moving and cancelling one, and for a past
 * class what was made of it after class) and scheduling a new one.
 */

export interface ScheduledClass {
  id: string;
  title: string;
  status: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
}

export function ClassList({
  sessions,
  canManage,
  busy,
  scheduleKey,
  timeZones,
}: {
  sessions: ScheduledClass[];
  canManage: boolean;
  busy: boolean;
  scheduleKey: string;
  timeZones: string[];
}) {
  // The past classes whose "After class" row is open.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((before) => {
      const next = new Set(before);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <>
      <h2>Classes</h2>
      {sessions.length === 0 ? (
        <p className="muted">No classes scheduled yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">When (your time)</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <Fragment key={s.id}>
                  <tr>
                    <td>{s.title}</td>
                    <td>
                      <LocalTime iso={s.startsAt} /> – <LocalTime iso={s.endsAt} withDate={false} />
                    </td>
                    <td>{s.status}</td>
                    <td>
                      {canManage && s.status === "scheduled" ? (
                        <details className="reschedule">
                          <summary>
                            Move <span className="visually-hidden">{s.title}</span>
                          </summary>
                          <Form method="post" className="form">
                            <input type="hidden" name="intent" value="reschedule" />
                            <input type="hidden" name="sessionId" value={s.id} />
                            <input
                              type="hidden"
                              name="idempotencyKey"
                              value={`${scheduleKey}-${s.id}`}
                            />
                            <input type="hidden" name="title" value={s.title} />
                            <Field
                              id={`move-start-${s.id}`}
                              name="startsAt"
                              label="New start"
                              type="datetime-local"
                              required
                            />
                            <Field
                              id={`move-duration-${s.id}`}
                              name="durationMinutes"
                              label="Duration (minutes)"
                              type="number"
                              min={5}
                              max={480}
                              defaultValue={Math.round(
                                (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000,
                              )}
                              required
                            />
                            <div className="field">
                              <label htmlFor={`move-zone-${s.id}`}>Time zone</label>
                              <select
                                id={`move-zone-${s.id}`}
                                name="timeZone"
                                className="input"
                                defaultValue={s.timeZone}
                              >
                                {timeZones.map((z) => (
                                  <option key={z} value={z}>
                                    {z}
                                  </option>
                                ))}
                              </select>
                            </div>
                            <button className="button secondary" type="submit" disabled={busy}>
                              Move the class
                            </button>
                          </Form>
                        </details>
                      ) : null}
                      {canManage && s.status === "scheduled" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="cancel" />
                          <input type="hidden" name="sessionId" value={s.id} />
                          <input type="hidden" name="idempotencyKey" value={`cancel-${s.id}`} />
                          <button className="link-button" type="submit" disabled={busy}>
                            Cancel <span className="visually-hidden">{s.title}</span>
                          </button>
                        </Form>
                      ) : null}
                      {canManage && s.status === "ended" ? (
                        <button
                          type="button"
                          className="link-button"
                          aria-expanded={open.has(s.id)}
                          aria-controls={open.has(s.id) ? `after-class-${s.id}` : undefined}
                          onClick={() => toggle(s.id)}
                        >
                          After class <span className="visually-hidden">{s.title}</span>
                        </button>
                      ) : null}
                    </td>
                  </tr>
                  {open.has(s.id) ? (
                    <tr className="after-class-row" id={`after-class-${s.id}`}>
                      <td colSpan={4}>
                        <AfterClass sessionId={s.id} withHeading={false} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function ScheduleClass({
  lessons,
  colleagues,
  timeZones,
  scheduleKey,
  zoneRef,
  scheduled,
  busy,
  errors,
}: {
  lessons: Lesson[];
  /** The school's other teachers, who may co-teach the class. */
  colleagues: { userId: string; name: string }[];
  timeZones: string[];
  scheduleKey: string;
  /** The time zone picker, which the page defaults to the teacher's own zone. */
  zoneRef: RefObject<HTMLSelectElement>;
  /** A class was just scheduled: the form starts afresh. */
  scheduled: boolean;
  busy: boolean;
  errors: FieldErrors;
}) {
  return (
    <div className="card">
      <h2>Schedule a class</h2>
      <Form method="post" className="form" noValidate key={scheduled ? "done" : "form"}>
        <input type="hidden" name="intent" value="schedule" />
        <input type="hidden" name="idempotencyKey" value={scheduleKey} />
        <div className="field">
          <label htmlFor="schedule-lesson">Lesson</label>
          <select id="schedule-lesson" name="lessonId" className="input">
            <option value="">No particular lesson</option>
            {lessons.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title}
              </option>
            ))}
          </select>
        </div>
        <Field name="title" label="Title" required error={errors.title} />
        <Field
          name="startsAt"
          label="Starts at"
          type="datetime-local"
          required
          error={errors.startsAt}
        />
        <Field
          name="durationMinutes"
          label="Duration (minutes)"
          type="number"
          min={5}
          max={480}
          defaultValue={60}
          required
          error={errors.durationMinutes}
        />
        <div className="field">
          <label htmlFor="schedule-zone">Time zone</label>
          <select
            id="schedule-zone"
            name="timeZone"
            className="input"
            defaultValue="UTC"
            ref={zoneRef}
          >
            {timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          {errors.timeZone ? <p className="field-error">{errors.timeZone}</p> : null}
        </div>
        {colleagues.length > 0 ? (
          <fieldset className="field">
            <legend className="field-label">Co-teachers (optional)</legend>
            {colleagues.map((c) => (
              <label key={c.userId} className="checkbox">
                <input type="checkbox" name="coTeacherIds" value={c.userId} /> {c.name}
              </label>
            ))}
            {errors.coTeacherIds ? <p className="field-error">{errors.coTeacherIds}</p> : null}
          </fieldset>
        ) : null}
        <button className="button" type="submit" disabled={busy}>
          Schedule
        </button>
      </Form>
    </div>
  );
}
