import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Budget, Throttle } from "./budget";

const rates = { messagesPerSecond: 10, messagesBurst: 5, bytesPerSecond: 1_000, bytesBurst: 4_000 };
const message = (length: number, id = 0) => ({ length, id });

describe("Budget", () => {
  it("takes a burst at once, then refills at the sustained rate", () => {
    const budget = new Budget(rates, 0);
    for (let i = 0; i < 5; i += 1) expect(budget.take(10, 0)).toBe(0);
    expect(budget.take(10, 0)).toBe(100);
    expect(budget.take(10, 50)).toBe(50);
    expect(budget.take(10, 100)).toBe(0);
    // Never more than the burst, however long it was quiet.
    for (let i = 0; i < 5; i += 1) expect(budget.take(10, 60_000)).toBe(0);
    expect(budget.take(10, 60_000)).toBeGreaterThan(0);
  });

  it("counts bytes too, and lets a message bigger than the byte burst through a full bucket, into debt", () => {
    const budget = new Budget(rates, 0);
    expect(budget.take(3_000, 0)).toBe(0);
    expect(budget.take(3_000, 0)).toBe(2_000);
    expect(budget.take(10_000, 3_000)).toBe(0);
    // 4,000 - 10,000: six seconds of debt before the next byte.
    expect(budget.take(1, 3_000)).toBe(6_001);
  });
});

describe("Throttle", () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());
  // The clock the throttle reads moves with the timers, ten milliseconds at a time.
  const advance = (ms: number) => {
    for (let step = 0; step < ms; step += 10) {
      now += 10;
      vi.advanceTimersByTime(10);
    }
  };

  function throttle(overBudgetMs = 1_000) {
    const log: string[] = [];
    const delivered: number[] = [];
    const t = new Throttle<{ length: number; id: number }>(
      new Budget(rates, 0),
      overBudgetMs,
      {
        deliver: (m) => delivered.push(m.id),
        pause: () => log.push("pause"),
        resume: () => log.push("resume"),
        slowed: () => log.push("slowed"),
        overBudget: () => log.push("closed"),
      },
      () => now,
    );
    return { t, log, delivered };
  }

  it("passes what is within budget straight through", () => {
    const { t, log, delivered } = throttle();
    for (let i = 0; i < 5; i += 1) t.offer(message(10, i));
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(log).toEqual([]);
  });

  it("slows a burst: pauses reading, hands on the rest in order at the budget's rate, then resumes", () => {
    const { t, log, delivered } = throttle();
    for (let i = 0; i < 8; i += 1) t.offer(message(10, i));
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(log).toEqual(["slowed", "pause"]);
    advance(100);
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
    advance(200);
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(log).toEqual(["slowed", "pause", "resume"]);
    // Calm again: the next message, once the bucket has refilled, goes straight through.
    advance(1_000);
    t.offer(message(10, 8));
    expect(delivered.at(-1)).toBe(8);
  });

  it("closes a connection that stays over budget longer than allowed, and drops what waits", () => {
    const { t, log, delivered } = throttle(1_000);
    let id = 0;
    for (let tick = 0; tick < 15 && !log.includes("closed"); tick += 1) {
      for (let i = 0; i < 20; i += 1) t.offer(message(10, id++));
      advance(100);
    }
    expect(log).toContain("closed");
    expect(log.filter((entry) => entry === "slowed")).toHaveLength(1);
    // The burst, then about ten a second for the second it was allowed.
    expect(delivered.length).toBeGreaterThanOrEqual(14);
    expect(delivered.length).toBeLessThanOrEqual(16);
    const count = delivered.length;
    t.offer(message(10, id++));
    advance(5_000);
    expect(delivered).toHaveLength(count);
  });

  it("does not close one that went over once and came back within budget", () => {
    const { t, log } = throttle(1_000);
    let id = 0;
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 7; i += 1) t.offer(message(10, id++));
      advance(1_500);
    }
    expect(log).not.toContain("closed");
    expect(log.filter((entry) => entry === "slowed")).toHaveLength(5);
  });
});
