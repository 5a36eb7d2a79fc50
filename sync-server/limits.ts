import { loadConfig, type Config } from "../core/platform/config";

/**
 * What one connection may send, and how big a class's document may grow
 * (SYNC_MAX_* and SYNC_RATE_* in core/config.ts and .env.example).
 */
export interface SyncLimits {
  /** Largest WebSocket frame, or fragmented message, a client may send (ws maxPayload). */
  maxFrameBytes: number;
  /** Largest single Yjs update; every other message gets this plus a small envelope. */
  maxUpdateBytes: number;
  /** Largest a class's document may grow (estimated: its size at load plus what was applied since). */
  maxDocumentBytes: number;
  /** Sending budget per connection, every message counted (updates, awareness, the rest). */
  messagesPerSecond: number;
  messagesBurst: number;
  bytesPerSecond: number;
  bytesBurst: number;
  /** How long a connection may stay over budget (slowed) before it is closed. */
  overBudgetSeconds: number;
}

/** The limits as configured (SYNC_* variables). */
export function syncLimitsFrom(config: Config): SyncLimits {
  return {
    maxFrameBytes: config.SYNC_MAX_FRAME_BYTES,
    maxUpdateBytes: config.SYNC_MAX_UPDATE_BYTES,
    maxDocumentBytes: config.SYNC_MAX_DOCUMENT_BYTES,
    messagesPerSecond: config.SYNC_RATE_MESSAGES_PER_SECOND,
    messagesBurst: config.SYNC_RATE_MESSAGES_BURST,
    bytesPerSecond: config.SYNC_RATE_BYTES_PER_SECOND,
    bytesBurst: config.SYNC_RATE_BYTES_BURST,
    overBudgetSeconds: config.SYNC_RATE_OVER_BUDGET_SECONDS,
  };
}

/** The configuration's defaults, for callers (tests) that pass only some limits. */
export const DEFAULT_LIMITS: SyncLimits = syncLimitsFrom(loadConfig({}));

/**
 * Room for a message's envelope around its update (document name, message
 * types, lengths): no message may be larger than the largest update plus this.
 */
export const MESSAGE_ENVELOPE_BYTES = 1024;
