/**
 * Errors the data layer raises on purpose. `code` matches core's HTTP error
 * codes so the mapping stays a lookup, but this module depends on nothing.
 */
export type EventLogErrorCode = "not_found" | "conflict" | "invalid_input";

export class EventLogError extends Error {
  override name = "EventLogError";
  constructor(
    readonly code: EventLogErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class SessionNotFoundError extends EventLogError {
  override name = "SessionNotFoundError";
  constructor(sessionId: string) {
    super("not_found", `Session ${sessionId} does not exist in this school.`);
  }
}

export class IdempotencyConflictError extends EventLogError {
  override name = "IdempotencyConflictError";
  constructor(key: string) {
    super("conflict", `Idempotency key "${key}" was already used for a different request.`, {
      idempotencyKey: key,
    });
  }
}

export class InvalidEventError extends EventLogError {
  override name = "InvalidEventError";
  constructor(message: string, details?: unknown) {
    super("invalid_input", message, details);
  }
}
