import { Form } from "@remix-run/react";
import type { FieldErrors } from "../../../core/identity/authForms";
import { Field } from "~/components/Field";

/* Editing a course: its title, description and archiving, and its lessons. */

export interface Lesson {
  id: string;
  title: string;
  description: string;
}

export function CourseSettings({
  course,
  busy,
  errors,
}: {
  course: { title: string; description: string; archived: boolean };
  busy: boolean;
  errors: FieldErrors;
}) {
  return (
    <div className="toolbar">
      <details className="reschedule" open={Object.keys(errors).length > 0 || undefined}>
        <summary>Edit course</summary>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="edit-course" />
          <Field
            id="course-edit-title"
            name="title"
            label="Course title"
            defaultValue={course.title}
            required
            error={errors.title}
          />
          <Field
            id="course-edit-description"
            name="description"
            label="Course description"
            defaultValue={course.description}
            error={errors.description}
          />
          <button className="button" type="submit" disabled={busy}>
            Save course
          </button>
        </Form>
      </details>
      {course.archived ? (
        <Form method="post">
          <input type="hidden" name="intent" value="restore-course" />
          <button className="button secondary" type="submit" disabled={busy}>
            Restore course
          </button>
        </Form>
      ) : (
        <details className="reschedule">
          <summary>Archive course</summary>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="archive-course" />
            <p className="small">
              Archived courses leave the course list and take no new classes. Classes already
              scheduled stay. You can restore it later.
            </p>
            <button className="button danger" type="submit" disabled={busy}>
              Yes, archive this course
            </button>
          </Form>
        </details>
      )}
    </div>
  );
}

/** The course's lessons in order; those who manage the course move, edit and archive them here. */
export function LessonList({
  lessons,
  canManage,
  busy,
}: {
  lessons: Lesson[];
  canManage: boolean;
  busy: boolean;
}) {
  return (
    <>
      <h2>Lessons</h2>
      {lessons.length === 0 ? (
        <p className="muted">No lessons yet.</p>
      ) : (
        <ol className="lesson-list">
          {lessons.map((l, index) => (
            <li key={l.id}>
              <div>
                <strong>{l.title}</strong>
                {l.description ? ` — ${l.description}` : ""}
              </div>
              {canManage ? (
                <LessonControls
                  lesson={l}
                  first={index === 0}
                  last={index === lessons.length - 1}
                  busy={busy}
                />
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

export function AddLesson({ busy, errors }: { busy: boolean; errors: FieldErrors }) {
  return (
    <div className="card">
      <h2>Add a lesson</h2>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="lesson" />
        <Field name="title" id="lesson-title" label="Title" required error={errors.title} />
        <Field
          name="description"
          id="lesson-description"
          label="Description"
          error={errors.description}
        />
        <button className="button" type="submit" disabled={busy}>
          Add lesson
        </button>
      </Form>
    </div>
  );
}

function LessonControls({
  lesson,
  first,
  last,
  busy,
}: {
  lesson: Lesson;
  first: boolean;
  last: boolean;
  busy: boolean;
}) {
  const move = (direction: "up" | "down", label: string, disabled: boolean) => (
    <Form method="post">
      <input type="hidden" name="intent" value="move-lesson" />
      <input type="hidden" name="lessonId" value={lesson.id} />
      <input type="hidden" name="direction" value={direction} />
      <button className="link-button" type="submit" disabled={busy || disabled}>
        {label} <span className="visually-hidden">{lesson.title}</span>
      </button>
    </Form>
  );
  return (
    <div className="toolbar lesson-controls">
      {move("up", "Move up", first)}
      {move("down", "Move down", last)}
      <details className="reschedule">
        <summary>
          Edit <span className="visually-hidden">{lesson.title}</span>
        </summary>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="edit-lesson" />
          <input type="hidden" name="lessonId" value={lesson.id} />
          <Field
            id={`lesson-title-${lesson.id}`}
            name="title"
            label="Lesson title"
            defaultValue={lesson.title}
            required
          />
          <Field
            id={`lesson-description-${lesson.id}`}
            name="description"
            label="Lesson description"
            defaultValue={lesson.description}
          />
          <button className="button secondary" type="submit" disabled={busy}>
            Save lesson
          </button>
        </Form>
      </details>
      <Form method="post">
        <input type="hidden" name="intent" value="archive-lesson" />
        <input type="hidden" name="lessonId" value={lesson.id} />
        <button className="link-button" type="submit" disabled={busy}>
          Archive <span className="visually-hidden">{lesson.title}</span>
        </button>
      </Form>
    </div>
  );
}
