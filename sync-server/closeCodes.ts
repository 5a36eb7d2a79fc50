/**
 * How the sync server ends a connection, shared with the studio (which tells
 * people what happened). Closing a document reaches the provider as code 1000
 * with the reason, so clients tell these apart by reason: a refused change, a
 * person who left and an ended class close the document (the provider stops).
 * The others close the socket: an event log that cannot be written (4503) and a
 * token not refreshed in time (4401) reconnect at once, a connection over its
 * sending budget (4429) after a pause, and a change too large to take (1009)
 * starts the studio again from the server's state (the change is dropped).
 * Reasons stay under the 123 bytes a close frame can carry.
 */
export const CLOSE = {
  eventLogUnavailable: { code: 4503, reason: "class paused: the event log is not writable" },
  forbidden: { code: 4403, reason: "this change is not allowed for you" },
  tokenExpired: { code: 4401, reason: "sync token expired" },
  left: { code: 4401, reason: "you are no longer in this class" },
  ended: { code: 4410, reason: "the class has ended" },
  /** A frame, message or update over its limit (SYNC_MAX_FRAME_BYTES, SYNC_MAX_UPDATE_BYTES). */
  tooLarge: { code: 1009, reason: "this change is too large" },
  /** A change that would take the class's document past SYNC_MAX_DOCUMENT_BYTES. */
  documentFull: { code: 1009, reason: "this change is too large: the class document is full" },
  /** Over the sending budget for longer than SYNC_RATE_OVER_BUDGET_SECONDS. */
  tooFast: { code: 4429, reason: "too many changes too fast, slow down" },
  /** The server is stopping (a deploy, a restart): the provider reconnects elsewhere. */
  goingAway: { code: 1001, reason: "the server is restarting" },
  /** A text frame: the protocol is binary. */
  notBinary: { code: 1003, reason: "binary messages only" },
  /** What ws closes with on a protocol violation (it sends the code; we add the words). */
  protocolError: { code: 1002, reason: "protocol error" },
  invalidData: { code: 1007, reason: "invalid message data" },
  /** A message the server failed on (a bug of ours, not the peer's). */
  serverError: { code: 1011, reason: "the server could not handle this message" },
} as const;

export type CloseEvent = { code: number; reason: string };
