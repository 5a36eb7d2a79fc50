import { createHmac, timingSafeEqual } from "node:crypto";

/** iCalendar (RFC 5545) export of a person's classes, and the signed links calendar apps subscribe to. */

export interface CalendarClass {
  id: string;
  title: string;
  courseTitle: string | null;
  startsAt: Date;
  endsAt: Date;
  status: "scheduled" | "live" | "ended" | "cancelled";
}

export function toICalendar(
  classes: CalendarClass[],
  options: { name: string; url: string; now?: Date },
): string {
  const stamp = icsTime(options.now ?? new Date());
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Lectern//Classes//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(options.name)}`,
    ...classes.flatMap((c) => [
      "BEGIN:VEVENT",
      `UID:${c.id}@lectern`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icsTime(c.startsAt)}`,
      `DTEND:${icsTime(c.endsAt)}`,
      `SUMMARY:${escapeText(c.title)}`,
      ...(c.courseTitle ? [`DESCRIPTION:${escapeText(`Course: ${c.courseTitle}`)}`] : []),
      `URL:${options.url}`,
      `STATUS:${c.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
      "END:VEVENT",
    ]),
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

function icsTime(date: Date): string {
  return `${date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
}

/** TEXT values escape backslash, semicolon, comma and newlines. */
function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets continue on the next line after a space. */
function fold(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + (start === 0 ? 75 : 74), bytes.length);
    // Never split a multi-byte character.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
  }
  return parts.join("\r\n ");
}

/**
 * A subscription link's token: who and which school, signed with the server's
 * secret. Calendar apps cannot sign in, so the link itself is the credential;
 * rotating AUTH_SECRET revokes every link.
 */
export function calendarToken(userId: string, tenantId: string, secret: string): string {
  const body = Buffer.from(`${userId}:${tenantId}`).toString("base64url");
  return `${body}.${signature(body, secret)}`;
}

export function readCalendarToken(
  token: string,
  secret: string,
): { userId: string; tenantId: string } | null {
  const [body, sig] = token.split(".");
  if (!body || !sig) return null;
  const expected = Buffer.from(signature(body, secret));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [userId, tenantId] = Buffer.from(body, "base64url").toString().split(":");
  return userId && tenantId ? { userId, tenantId } : null;
}

function signature(body: string, secret: string): string {
  return createHmac("sha256", secret).update(`lectern-calendar:${body}`).digest("base64url");
}
