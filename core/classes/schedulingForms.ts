import { z } from "zod";

/** Scheduling inputs, shared by pages (messages) and services (the boundary check). */

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .refine(isTimeZone, "Choose a valid time zone");

export const courseSchema = z.object({
  title: z.string().trim().min(1, "Give the course a title").max(200, "Use at most 200 characters"),
  description: z.string().trim().max(4_000, "Use at most 4,000 characters").default(""),
});

export const lessonSchema = z.object({
  title: z.string().trim().min(1, "Give the lesson a title").max(200, "Use at most 200 characters"),
  description: z.string().trim().max(4_000, "Use at most 4,000 characters").default(""),
});

export const scheduleSchema = z.object({
  courseId: z.uuid().optional(),
  lessonId: z.uuid().optional(),
  title: z.string().trim().min(1, "Give the class a title").max(200, "Use at most 200 characters"),
  /** A wall-clock time in `timeZone`, as an <input type="datetime-local"> sends it. */
  startsAt: z.iso.datetime({ local: true, error: "Choose a start date and time" }),
  durationMinutes: z.coerce
    .number()
    .int("Use whole minutes")
    .min(5, "A class lasts at least 5 minutes")
    .max(8 * 60, "A class lasts at most 8 hours"),
  timeZone: timeZoneSchema,
  /** Teachers of the school who teach the class with its host. */
  coTeacherIds: z.array(z.uuid()).max(10, "At most 10 co-teachers").default([]),
});

export const rescheduleSchema = scheduleSchema.pick({
  title: true,
  startsAt: true,
  durationMinutes: true,
  timeZone: true,
});

export const enrollSchema = z.object({
  userIds: z.array(z.uuid()).min(1, "Choose at least one student").max(500),
});

export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:/=+-]{8,200}$/, "An idempotency key is 8-200 letters, digits or _.:/=+-");

/**
 * The instant a wall-clock time in a time zone denotes (e.g. 09:00 in
 * Europe/Paris). Uses the zone's offset at that moment, so daylight saving is right.
 */
export function zonedTimeToInstant(local: string, timeZone: string): Date {
  const asUtc = new Date(`${local}Z`);
  const offset = zoneOffsetMs(asUtc, timeZone);
  const guess = new Date(asUtc.getTime() - offset);
  // Recompute at the guessed instant: the offset may differ across a DST change.
  return new Date(asUtc.getTime() - zoneOffsetMs(guess, timeZone));
}

function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}
