import { AppError } from "./errors";
import { TokenBucket, type Rate } from "./tokenBucket";

/*
 * Token buckets, one per key (a person and a kind of command): a bucket holds
 * up to `burst` tokens and refills at `perSecond`; each command takes one.
 * They live in this process's memory, so with several web processes a person
 * gets the budget in each: enough to keep one person from flooding a class,
 * not an exact quota.
 */

export type RateLimit = Rate;

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string): Verdict;
  /** How many keys it remembers now. */
  readonly size: number;
}

/**
 * `maxKeys` bounds the memory: an idle key (its bucket full again) is
 * forgotten, since a new bucket starts full anyway; past the bound, the key
 * used least recently goes too. `now` is the clock in milliseconds.
 */
export function createRateLimiter(
  limit: RateLimit & { maxKeys?: number; now?: () => number },
): RateLimiter {
  const { maxKeys = 10_000, now = () => performance.now() } = limit;
  // In order of last use (a key is moved to the end when used): the idle ones are first.
  const buckets = new Map<string, TokenBucket>();

  function forgetIdle(at: number) {
    for (const [key, bucket] of buckets) {
      if (!bucket.isFull(at) && buckets.size <= maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const at = now();
      const bucket = buckets.get(key) ?? new TokenBucket(limit, at);
      buckets.delete(key);
      buckets.set(key, bucket);
      const wait = bucket.secondsUntil(1, at);
      if (wait === 0) bucket.take(1);
      forgetIdle(at);
      if (wait === 0) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
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
