/** Browser-side calls to the class API: JSON in and out, typed errors as messages. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function callApi<T>(
  path: string,
  init: { method?: string; body?: BodyInit; json?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  if (init.idempotencyKey) headers["idempotency-key"] = init.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "POST",
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError("We couldn't reach Lectern. Check your connection.", 0, "network");
  }
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code: string; message: string; details?: unknown } }) | null;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(
      error?.message ?? `The request failed (${response.status}).`,
      response.status,
      error?.code ?? "internal",
      error?.details,
    );
  }
  return body as T;
}

export const newKey = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

/**
 * What to tell the person: the first field problem the server reported, else
 * its message; when the server failed (5xx), that this part is unavailable
 * and the class goes on (DESIGN.md section 7).
 */
export function problemOf(error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  if (error.status >= 500) {
    return "This part of the class is unavailable right now. The class goes on; try again in a moment.";
  }
  const details = error.details as
    { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | undefined;
  const field = Object.values(details?.fieldErrors ?? {}).find((list) => list?.length)?.[0];
  return field ?? details?.formErrors?.[0] ?? error.message;
}
