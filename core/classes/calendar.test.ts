import { describe, expect, it } from "vitest";
import { calendarToken, readCalendarToken, toICalendar } from "./calendar";

describe("toICalendar", () => {
  const ics = toICalendar(
    [
      {
        id: "c1",
        title:
          "Optics; lenses, mirrors\nand prisms — with a very long title that must be folded over lines",
        courseTitle: "Physics",
        startsAt: new Date("2027-01-15T08:00:00Z"),
        endsAt: new Date("2027-01-15T08:45:00Z"),
        status: "scheduled",
      },
      {
        id: "c2",
        title: "Snow day",
        courseTitle: null,
        startsAt: new Date("2027-01-16T08:00:00Z"),
        endsAt: new Date("2027-01-16T09:00:00Z"),
        status: "cancelled",
      },
    ],
    {
      name: "Demo School",
      url: "https://lectern.test/s/demo/agenda",
      now: new Date("2027-01-01T00:00:00Z"),
    },
  );

  it("writes one VEVENT per class with UTC times, escaped text and CRLF lines", () => {
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics).toContain("DTSTART:20270115T080000Z\r\nDTEND:20270115T084500Z");
    expect(ics).toContain("SUMMARY:Optics\\; lenses\\, mirrors\\nand prisms");
    expect(ics).toContain("UID:c2@lectern");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it("folds lines at 75 octets", () => {
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics).toMatch(/\r\n [^\r]/);
  });
});

describe("calendar tokens", () => {
  it("round-trips, and refuses a tampered token or another secret", () => {
    const token = calendarToken("user-1", "tenant-1", "s".repeat(40));
    expect(readCalendarToken(token, "s".repeat(40))).toEqual({
      userId: "user-1",
      tenantId: "tenant-1",
    });
    expect(readCalendarToken(token, "t".repeat(40))).toBeNull();
    const [body, sig] = token.split(".");
    const forged = `${Buffer.from("user-2:tenant-1").toString("base64url")}.${sig}`;
    expect(readCalendarToken(forged, "s".repeat(40))).toBeNull();
    expect(readCalendarToken(`${body}`, "s".repeat(40))).toBeNull();
  });
});
