import type pg from "pg";
import { pingDatabase } from "../../db/client";

export interface Readiness {
  ready: boolean;
  /** Why the process is not ready (starting, shutting down). */
  reason: string;
}

export interface HealthReport {
  status: "ok" | "failing";
  checks: { database: { ok: boolean; latencyMs?: number; error?: string } };
}

export interface ProbeResponse<T> {
  httpStatus: number;
  body: T;
}

/** Liveness of this process's dependencies (`/healthz` in every role). */
export async function checkHealth(pool: pg.Pool): Promise<ProbeResponse<HealthReport>> {
  try {
    const latencyMs = Math.round((await pingDatabase(pool)) * 10) / 10;
    return {
      httpStatus: 200,
      body: { status: "ok", checks: { database: { ok: true, latencyMs } } },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : "unreachable";
    return {
      httpStatus: 503,
      body: { status: "failing", checks: { database: { ok: false, error: message } } },
    };
  }
}

/** Whether a load balancer should send traffic here (`/readyz`): false while starting or draining. */
export async function checkReadiness(
  pool: pg.Pool,
  readiness: Readiness,
): Promise<ProbeResponse<{ ready: boolean; reason: string }>> {
  if (!readiness.ready)
    return { httpStatus: 503, body: { ready: false, reason: readiness.reason } };
  const health = await checkHealth(pool);
  return health.body.status === "ok"
    ? { httpStatus: 200, body: { ready: true, reason: "serving" } }
    : { httpStatus: 503, body: { ready: false, reason: "database unreachable" } };
}
