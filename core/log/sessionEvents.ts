import type pg from "pg";
import { z } from "zod";
import { InvalidEventError } from "../../db/errors";
import {
  appendEvents,
  type AppendOptions,
  type AppendResult,
  type NewEvent,
} from "../../db/eventLog";
import { eventPayloadSchema, eventVersion, isEventType } from "./events";

export interface SessionEventsAppend {
  tenantId: string;
  sessionId: string;
  idempotencyKey?: string | null;
  /** Loosely typed on purpose: this is the boundary where unknown input is checked. */
  events: {
    type: string;
    payload: unknown;
    actorUserId?: string | null;
    yjsUpdate?: Uint8Array | null;
  }[];
}

/**
 * Check every event against the catalog, then append them as one batch.
 * An unknown type or an invalid payload rejects the whole batch; nothing is written.
 */
export async function appendSessionEvents(
  pool: pg.Pool,
  input: SessionEventsAppend,
  options?: AppendOptions,
): Promise<AppendResult> {
  const events = input.events.map((event, index) => validateEvent(event, index));
  return appendEvents(pool, { ...input, events }, options);
}

export function validateEvent(event: SessionEventsAppend["events"][number], index = 0): NewEvent {
  if (!isEventType(event.type)) {
    throw new InvalidEventError(`Event ${index}: unknown event type "${event.type}".`, {
      index,
      type: event.type,
    });
  }
  const schema: z.ZodType = eventPayloadSchema(event.type);
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) {
    throw new InvalidEventError(`Event ${index}: invalid payload for "${event.type}".`, {
      index,
      type: event.type,
      issues: z.flattenError(parsed.error),
    });
  }
  return {
    type: event.type,
    version: eventVersion(event.type),
    payload: parsed.data,
    actorUserId: event.actorUserId ?? null,
    yjsUpdate: event.yjsUpdate ?? null,
  };
}
