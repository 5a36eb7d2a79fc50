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

// Socket-level failures of reaching the server (Node's codes).
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EAI_AGAIN",
]);
// SQLSTATEs of a server that is going away or not taking connections yet:
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
const SHUTTING_DOWN = new Set(["57P01", "57P02", "57P03", "53300"]);
// node-postgres and pg-pool say so in words, without a code (the last: we are shutting down).
const LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not queryable|Query read timeout|Cannot use a pool after calling end)/i;

/**
 * Whether an error (or what it wraps: drizzle and better-auth keep the driver's
 * error as `cause`) says the database cannot be reached right now, as opposed
 * to refusing the request. Such a failure is worth retrying once it is back.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 8) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === "string") {
    // Class 08: connection exceptions (08000, 08003, 08006, 08001, 08004, ...).
    if (UNREACHABLE.has(code) || SHUTTING_DOWN.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
      return true;
    }
  }
  if (typeof message === "string" && LOST.test(message)) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => isDatabaseUnavailable(e, depth + 1))
  )
    return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
