import type pg from "pg";
import { appendSessionEvents } from "../core/log/sessionEvents";

export interface StudioEventInput {
  type: string;
  payload: unknown;
  actorUserId: string;
  yjsUpdate: Uint8Array | null;
}

interface Pending {
  events: StudioEventInput[];
  done: (error?: unknown) => void;
}

/**
 * Group commit for one process: updates to the same class that arrive while an
 * append is in flight wait and go together in the next one (one statement, one
 * commit), in arrival order. Each caller learns when its own update is durable.
 */
export class Sequencer {
  private queues = new Map<string, { tenantId: string; pending: Pending[]; flushing: boolean }>();

  constructor(
    private readonly pool: pg.Pool,
    /** Told how many updates of a class each append made durable (e.g. to checkpoint). */
    private readonly onAppended: (
      target: { tenantId: string; sessionId: string },
      count: number,
    ) => void = () => {},
  ) {}

  /** Append one update's events (together, in order); resolves once they are durable. */
  append(
    target: { tenantId: string; sessionId: string },
    events: StudioEventInput[],
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(target.sessionId);
      if (!queue) {
        queue = { tenantId: target.tenantId, pending: [], flushing: false };
        this.queues.set(target.sessionId, queue);
      }
      queue.pending.push({ events, done: (error) => (error ? reject(error) : resolve()) });
      if (!queue.flushing) void this.flush(target.sessionId);
    });
  }

  private async flush(sessionId: string): Promise<void> {
    const queue = this.queues.get(sessionId)!;
    queue.flushing = true;
    try {
      while (queue.pending.length > 0) {
        const batch = queue.pending.splice(0, 500);
        try {
          await appendSessionEvents(this.pool, {
            tenantId: queue.tenantId,
            sessionId,
            events: batch.flatMap((item) => item.events),
          });
          for (const item of batch) item.done();
          this.onAppended({ tenantId: queue.tenantId, sessionId }, batch.length);
        } catch (error) {
          for (const item of batch) item.done(error);
        }
      }
    } finally {
      queue.flushing = false;
      if (queue.pending.length === 0) this.queues.delete(sessionId);
    }
  }
}
