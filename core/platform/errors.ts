import { z } from "zod";
import { EventLogError, isDatabaseUnavailable } from "../../db/errors";

/**
 * The one error type routes throw and map to HTTP. Codes are stable strings
 * clients may branch on; messages are for people.
 */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  invalid_input: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(errorStatus) as ErrorCode[]).find((c) => errorStatus[c] === status);
  return match ?? (status >= 500 ? "internal" : "bad_request");
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;

  /** Headers the answer must carry (`Allow` on a 405, `Retry-After` on a 429 or 503). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.status = errorStatus[code];
    this.headers = options?.headers ?? {};
  }
}

/** How long a client should wait before retrying while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Turn anything thrown into an AppError; a database that cannot be reached
 * becomes a 503 with Retry-After; unknown errors become a bare 500.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError("invalid_input", "The request is not valid.", z.flattenError(error), {
      cause: error,
    });
  }
  if (error instanceof EventLogError) {
    return new AppError(error.code, error.message, error.details, { cause: error });
  }
  // A database that is away (restarting, failing over) is a pause, not a bug: 503, retry.
  if (isDatabaseUnavailable(error)) {
    return new AppError(
      "unavailable",
      "Lectern cannot reach its database right now. Try again in a moment.",
      undefined,
      {
        cause: error,
        headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
      },
    );
  }
  return new AppError("internal", "Something went wrong on our side.", undefined, {
    cause: error,
  });
}

/** The typed JSON answer for an error, with the headers it calls for. */
export function errorResponse(error: AppError, requestId?: string): Response {
  return Response.json(errorBody(error, requestId), {
    status: error.status,
    headers: error.headers,
  });
}

export function errorBody(error: AppError, requestId?: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(requestId ? { requestId } : {}),
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

/**
 * Log a failed request by what it was: an outage (the database away) is a
 * warning in one line, not a stack per request; anything else at 5xx is an error.
 */
export function logFailure(
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  thrown: unknown,
  error: AppError,
  what: string,
): void {
  if (error.code === "unavailable") {
    const cause = thrown instanceof Error ? thrown.message : String(thrown);
    log.warn({ cause: cause.slice(0, 300) }, `${what}: the database is unavailable`);
  } else if (error.status >= 500) {
    log.error({ err: thrown }, what);
  }
}
