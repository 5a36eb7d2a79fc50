import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

/**
 * Time spent waiting on the database, per request: every pool in Lectern uses
 * `TimedClient`, which adds each query's round trip to the timer of the
 * request it runs for. The web role reports it (Server-Timing, request log),
 * which is how we know where a slow request spent its time.
 */
export interface QueryTimer {
  ms: number;
  queries: number;
}

// On globalThis: the server entry and the Remix bundle each load this module.
const key = Symbol.for("lectern.queryTimer");
const holder = globalThis as typeof globalThis & { [key]?: AsyncLocalStorage<QueryTimer> };
const storage = (holder[key] ??= new AsyncLocalStorage<QueryTimer>());

export function runWithQueryTimer<T>(timer: QueryTimer, fn: () => T): T {
  return storage.run(timer, fn);
}

export class TimedClient extends pg.Client {}

const query = pg.Client.prototype.query;
// Overloads make a typed override unwieldy; this wraps every form that returns a promise.
(TimedClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const timer = storage.getStore();
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  if (!timer || !(result instanceof Promise)) return result;
  const started = performance.now();
  return result.finally(() => {
    timer.ms += performance.now() - started;
    timer.queries += 1;
  });
};
