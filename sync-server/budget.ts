import { TokenBucket } from "../core/platform/tokenBucket";

/**
 * A connection's sending budget (SYNC_RATE_* in core/config.ts): what keeps one
 * socket that floods the server from slowing everyone else in the class.
 */

export interface BudgetRates {
  messagesPerSecond: number;
  messagesBurst: number;
  bytesPerSecond: number;
  bytesBurst: number;
}

/**
 * Two token buckets, messages and bytes, each refilled at its sustained rate up
 * to its burst. A message larger than the byte burst waits for a full bucket and
 * leaves it in debt, so a big (but allowed) change is slowed, never stuck.
 */
export class Budget {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(rates: BudgetRates, at: number) {
    this.messages = new TokenBucket(
      { perSecond: rates.messagesPerSecond, burst: rates.messagesBurst },
      at,
    );
    this.bytes = new TokenBucket({ perSecond: rates.bytesPerSecond, burst: rates.bytesBurst }, at);
  }

  /** Take one message of `size` bytes: 0 if taken, else the milliseconds until it can be (nothing is taken). */
  take(size: number, now: number): number {
    const waitSeconds = Math.max(
      this.messages.secondsUntil(1, now),
      this.bytes.secondsUntil(size, now),
    );
    if (waitSeconds > 0) return Math.max(1, Math.ceil(waitSeconds * 1000));
    this.messages.take(1);
    this.bytes.take(size);
    return 0;
  }
}

export interface ThrottleHooks<T> {
  /** Hand a message on (in arrival order). */
  deliver(message: T): void;
  /** Stop reading from the connection (back-pressure), and start again. */
  pause(): void;
  resume(): void;
  /** The start of a stretch over budget (once per stretch, for the log). */
  slowed(): void;
  /** Over budget for longer than allowed: end the connection. The throttle has stopped. */
  overBudget(): void;
}

/**
 * Messages within budget go straight through. Past it, the connection is
 * slowed: reading stops (the sender's TCP window fills), and what was already
 * read is handed on at the budget's rate, in order. A connection still over
 * budget `overBudgetMs` after it first went over (it never once sent within
 * budget since) is closed. One burst then calm is only slowed; a flood is closed.
 */
export class Throttle<T extends { length: number }> {
  private readonly queue: T[] = [];
  private overSince: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly budget: Budget,
    private readonly overBudgetMs: number,
    private readonly hooks: ThrottleHooks<T>,
    private readonly now: () => number = Date.now,
  ) {}

  offer(message: T): void {
    if (this.stopped) return;
    if (this.queue.length === 0 && this.budget.take(message.length, this.now()) === 0) {
      this.overSince = null;
      this.hooks.deliver(message);
      return;
    }
    this.queue.push(message);
    if (this.queue.length > 1) return;
    if (this.overSince === null) {
      this.overSince = this.now();
      this.hooks.slowed();
    }
    this.hooks.pause();
    this.drain();
  }

  /** Drop what is waiting and stop (the connection closed). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private drain = () => {
    this.timer = null;
    while (!this.stopped && this.queue.length > 0) {
      const now = this.now();
      const wait = this.budget.take(this.queue[0]!.length, now);
      if (wait === 0) {
        this.hooks.deliver(this.queue.shift()!);
        continue;
      }
      const left = (this.overSince ?? now) + this.overBudgetMs - now;
      if (left <= 0) {
        this.stop();
        this.hooks.overBudget();
        return;
      }
      this.timer = setTimeout(this.drain, Math.min(wait, left));
      return;
    }
    if (!this.stopped) this.hooks.resume();
  };
}
