/**
 * A token bucket: it holds up to `burst` tokens and refills at `perSecond`.
 * Time is the caller's, in milliseconds, so callers (and tests) choose the clock.
 * Both of Lectern's budgets are made of these: a person's HTTP commands
 * (core/rateLimit.ts) and a sync connection's messages and bytes (sync-server/budget.ts).
 */
export interface Rate {
  perSecond: number;
  burst: number;
}

export class TokenBucket {
  private tokens: number;

  constructor(
    private readonly rate: Rate,
    private at: number,
  ) {
    this.tokens = rate.burst;
  }

  /**
   * Seconds until `count` tokens are there (0: they are now). More than the
   * burst waits for a full bucket, so a big request is slowed, never stuck.
   */
  secondsUntil(count: number, now: number): number {
    this.refill(now);
    return Math.max(0, (Math.min(count, this.rate.burst) - this.tokens) / this.rate.perSecond);
  }

  /** Take `count` tokens; past what it holds, the bucket goes into debt. */
  take(count: number): void {
    this.tokens -= count;
  }

  /** Refilled to its burst: as good as a new bucket. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.rate.burst;
  }

  private refill(now: number): void {
    const seconds = Math.max(0, now - this.at) / 1000;
    this.at = Math.max(this.at, now);
    this.tokens = Math.min(this.rate.burst, this.tokens + seconds * this.rate.perSecond);
  }
}
