import { useEffect, useState } from "react";

/**
 * An instant shown in the viewer's own time zone. The server does not know that
 * zone, so it renders UTC and the browser replaces it once hydrated.
 */
export function LocalTime({ iso, withDate = true }: { iso: string; withDate?: boolean }) {
  const [text, setText] = useState(() => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
  useEffect(() => {
    const options: Intl.DateTimeFormatOptions = withDate
      ? { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }
      : { hour: "2-digit", minute: "2-digit" };
    setText(
      new Intl.DateTimeFormat(undefined, { ...options, timeZoneName: "short" }).format(
        new Date(iso),
      ),
    );
  }, [iso, withDate]);
  return <time dateTime={iso}>{text}</time>;
}
