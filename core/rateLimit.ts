import { AppError } from "./errors";

/*
 * Token buckets, one per key (a person and a kind of command): a bucket holds
 * up to `burst` tokens and refills at `perSecond`; each command takes one.
 * They live in this process's memory, so with several web processes a person
 * gets the budget in each: enough to keep one person from flooding a class,
 * not an exact quota.
 */

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string): Verdict;
  /** How many keys it remembers now. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * `maxKeys` bounds the memory: an idle key (its bucket full again) is
 * forgotten, since a new bucket starts full anyway; past the bound, the key
 * used least recently goes too. `now` is the clock in milliseconds.
 */
export function createRateLimiter(
  limit: RateLimit & { maxKeys?: number; now?: () => number },
): RateLimiter {
  const { perSecond, burst, maxKeys = 10_000, now = () => performance.now() } = limit;
  const fullAfterMs = (burst / perSecond) * 1_000;
  // In order of last use (a key is moved to the end when used): the idle ones are first.
  const buckets = new Map<string, Bucket>();

  function forgetIdle(at: number) {
    for (const [key, bucket] of buckets) {
      if (at - bucket.at < fullAfterMs && buckets.size <= maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const at = now();
      const last = buckets.get(key);
      const refilled = last
        ? Math.min(burst, last.tokens + ((at - last.at) / 1_000) * perSecond)
        : burst;
      buckets.delete(key);
      const allowed = refilled >= 1;
      buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, at });
      forgetIdle(at);
      if (allowed) return { allowed };
      return { allowed, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / perSecond)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

/** The answer to a person over their limit: 429, with when to try again. */
export function tooFast(retryAfterSeconds: number): AppError {
  const when = retryAfterSeconds === 1 ? "1 second" : `${retryAfterSeconds} seconds`;
  return new AppError(
    "rate_limited",
    `You're doing that too fast. Try again in ${when}.`,
    { retryAfterSeconds },
    { headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}
