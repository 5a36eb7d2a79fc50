import type pg from "pg";

/*
 * A lesson through the real routes, then set on a lesson's clock: the class
 * takes seconds, its events are placed where a teacher's would fall (the owner
 * rewrites the log's times, the class's and the recording's), so chapters,
 * highlights and alignment can be checked against known times. No vitest
 * here: the pipeline benchmark uses it too.
 */

/** Events since the last mark are placed at `atSeconds` on the class's clock (100 ms apart). */
export function classClock(owner: pg.Pool, sessionId: string) {
  const marks: { upTo: number; atSeconds: number }[] = [];
  const lastSequence = async () =>
    Number(
      (
        await owner.query<{ n: string }>("select last_event_seq as n from sessions where id = $1", [
          sessionId,
        ])
      ).rows[0]!.n,
    );
  return {
    async mark(atSeconds: number) {
      marks.push({ upTo: await lastSequence(), atSeconds });
    },
    /**
     * Rewrite the log's times (and the class's and recording's) as the marks
     * say, from the class's start, or from `startedAt` (a class that began
     * that long ago, to be ended now).
     */
    async apply(options: { startedAt?: Date } = {}) {
      const { rows } = await owner.query<{ started_at: Date }>(
        "select started_at from sessions where id = $1",
        [sessionId],
      );
      const start = (options.startedAt ?? rows[0]!.started_at).getTime();
      let from = 0;
      for (const { upTo, atSeconds } of marks) {
        await owner.query(
          `update session_state_events
              set occurred_at = to_timestamp(($2::bigint + round($3::numeric * 1000) + (sequence - $4) * 100) / 1000.0)
            where session_id = $1 and sequence > $4 and sequence <= $5`,
          [sessionId, start, atSeconds, from, upTo],
        );
        from = upTo;
      }
      const end = start + marks.at(-1)!.atSeconds * 1000 + 1000;
      await owner.query(
        `update session_state_events set occurred_at = to_timestamp($2 / 1000.0)
          where session_id = $1 and sequence > $3`,
        [sessionId, end, from],
      );
      await owner.query(
        "update sessions set started_at = to_timestamp($2 / 1000.0), ended_at = to_timestamp($3 / 1000.0) where id = $1",
        [sessionId, start, end],
      );
      await owner.query(
        `update recordings r set started_at = e.occurred_at
           from session_state_events e
          where e.session_id = $1 and e.type = 'recording.started'
            and e.payload->>'recordingId' = r.id::text`,
        [sessionId],
      );
    },
  };
}
