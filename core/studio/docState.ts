import type pg from "pg";
import * as Y from "yjs";
import { latestCheckpoint, saveCheckpoint, sequenceAt } from "../../db/checkpoints";
import type { Database } from "../../db/client";
import { headSequence, readEvents } from "../../db/eventLog";
import { withTenant } from "../../db/tenantContext";

/**
 * A class's Yjs document as its log says it was: the latest checkpoint at or
 * before the point, plus the Yjs updates sequenced after it up to the point.
 * Used to load the live document and, later, by replay.
 */
export interface DocStateDeps {
  db: Database;
  pool: pg.Pool;
}

export async function stateAt(
  deps: DocStateDeps,
  target: { tenantId: string; sessionId: string },
  at: { sequence: number } | { time: Date } | "head",
): Promise<{ doc: Y.Doc; sequence: number }> {
  const { tenantId, sessionId } = target;
  const { upto, checkpoint } = await withTenant(deps.db, tenantId, async (tx) => {
    const upto =
      at === "head"
        ? Number.MAX_SAFE_INTEGER
        : "sequence" in at
          ? at.sequence
          : await sequenceAt(tx, sessionId, at.time);
    return { upto, checkpoint: await latestCheckpoint(tx, sessionId, upto) };
  });
  const doc = new Y.Doc();
  let sequence = checkpoint?.uptoSequence ?? 0;
  if (checkpoint) Y.applyUpdate(doc, checkpoint.state, "checkpoint");
  for (;;) {
    const events = await readEvents(deps.pool, { tenantId, sessionId, after: sequence });
    for (const event of events) {
      if (event.sequence > upto) return { doc, sequence };
      if (event.yjsUpdate) Y.applyUpdate(doc, event.yjsUpdate, "event-log");
      sequence = event.sequence;
    }
    if (events.length < 500) return { doc, sequence };
  }
}

/** Save the document as of the log's head, unless a checkpoint already covers it. */
export async function writeCheckpoint(
  deps: DocStateDeps,
  target: { tenantId: string; sessionId: string },
): Promise<number | null> {
  const head = await headSequence(deps.pool, target);
  if (!head) return null;
  const { doc, sequence } = await stateAt(deps, target, { sequence: head });
  await withTenant(deps.db, target.tenantId, (tx) =>
    saveCheckpoint(tx, { ...target, uptoSequence: sequence, state: Y.encodeStateAsUpdate(doc) }),
  );
  return sequence;
}
