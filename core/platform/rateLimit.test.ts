import { describe, expect, it } from "vitest";
import { errorBodySchema, errorResponse } from "./errors";
import { createRateLimiter, tooFast } from "./rateLimit";

function clock() {
  let ms = 1_000_000;
  return { now: () => ms, advance: (seconds: number) => void (ms += seconds * 1_000) };
}

const takes = (limiter: ReturnType<typeof createRateLimiter>, key: string, n: number) =>
  Array.from({ length: n }, () => limiter.take(key).allowed);

describe("command rate limit (token buckets)", () => {
  it("allows a burst, then refills at the sustained rate", () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 2, burst: 5, now: time.now });
    expect(takes(limiter, "sam", 5)).toEqual([true, true, true, true, true]);
    expect(limiter.take("sam")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(0.5); // one token back
    expect(takes(limiter, "sam", 2)).toEqual([true, false]);
    time.advance(10); // full again, never more than the burst
    expect(takes(limiter, "sam", 6)).toEqual([true, true, true, true, true, false]);
  });

  it("says how long until the next token, in whole seconds", () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 0.25, burst: 1, now: time.now });
    expect(limiter.take("sam").allowed).toBe(true);
    expect(limiter.take("sam")).toEqual({ allowed: false, retryAfterSeconds: 4 });
    time.advance(2.5);
    expect(limiter.take("sam")).toEqual({ allowed: false, retryAfterSeconds: 2 });
    time.advance(1.5);
    expect(limiter.take("sam").allowed).toBe(true);
  });

  it("keeps one bucket per key", () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 1, burst: 2, now: time.now });
    expect(takes(limiter, "chat:sam", 3)).toEqual([true, true, false]);
    expect(takes(limiter, "chat:sara", 2)).toEqual([true, true]);
    expect(takes(limiter, "hands:sam", 1)).toEqual([true]);
  });

  it("forgets idle keys and stays within its bound", () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 1, burst: 3, maxKeys: 100, now: time.now });
    for (let i = 0; i < 50; i += 1) limiter.take(`person-${i}`);
    expect(limiter.size).toBe(50);
    // Three seconds on, every bucket is full again: nothing is lost by forgetting them.
    time.advance(3);
    limiter.take("someone-new");
    expect(limiter.size).toBe(1);

    // Busy keys past the bound: the least recently used go.
    for (let i = 0; i < 500; i += 1) limiter.take(`busy-${i}`);
    expect(limiter.size).toBe(100);
    expect(takes(limiter, "busy-499", 3)).toEqual([true, true, false]);
  });

  it("answers over the limit with a typed 429 and Retry-After", async () => {
    const response = errorResponse(tooFast(3), "req-1");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    const body = errorBodySchema.parse(await response.json());
    expect(body.error).toMatchObject({
      code: "rate_limited",
      message: "You're doing that too fast. Try again in 3 seconds.",
      details: { retryAfterSeconds: 3 },
    });
  });
});
