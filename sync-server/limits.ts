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

/** The same defaults as core/config.ts, for callers (tests) that pass only some limits. */
export const DEFAULT_LIMITS: SyncLimits = {
  maxFrameBytes: 4 * 1024 * 1024,
  maxUpdateBytes: 2 * 1024 * 1024,
  maxDocumentBytes: 64 * 1024 * 1024,
  messagesPerSecond: 120,
  messagesBurst: 600,
  bytesPerSecond: 1024 * 1024,
  bytesBurst: 8 * 1024 * 1024,
  overBudgetSeconds: 5,
};

/**
 * Room for a message's envelope around its update (document name, message
 * types, lengths): no message may be larger than the largest update plus this.
 */
export const MESSAGE_ENVELOPE_BYTES = 1024;
