import { classTimes, eventsOfTypes } from "../../db/pipeline";
import type { TenantTx } from "../../db/tenantContext";

interface Span {
  startMs: number;
  endMs: number;
  title: string;
}

/** The class cut where the slide or scene changed, from its start to its end. */
export async function classTimeline(tx: TenantTx, sessionId: string) {
  const times = await classTimes(tx, sessionId);
  const events = await eventsOfTypes(tx, sessionId, ["slide.changed", "scene.changed"]);
  const startedAt = times?.startedAt ?? events[0]?.occurredAt ?? new Date(0);
  const endMs = Math.max(0, (times?.endedAt ?? startedAt).getTime() - startedAt.getTime());
  const at = (date: Date) => Math.min(endMs, Math.max(0, date.getTime() - startedAt.getTime()));
  const spans: Span[] = [];
  for (const event of events) {
    const payload = event.payload as { page?: number; sceneId?: string };
    const title = event.type === "slide.changed" ? `Slide ${payload.page}` : "Scene change";
    const startMs = at(event.occurredAt);
    const last = spans.at(-1);
    if (last?.title === title) continue;
    if (last && last.startMs === startMs) spans.pop();
    if (spans.length === 0 && startMs > 0)
      spans.push({ startMs: 0, endMs: startMs, title: "Opening" });
    spans.push({ startMs, endMs, title });
  }
  for (let i = 0; i < spans.length - 1; i++) spans[i]!.endMs = spans[i + 1]!.startMs;
  if (spans.length === 0) spans.push({ startMs: 0, endMs, title: times?.title ?? "Class" });
  return { startedAt, spans };
}
