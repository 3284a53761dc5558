// The one backoff rule (src/delivery/retryPolicy.ts): full jitter below a doubling cap, with the
// destination's Retry-After as a floor, itself capped.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, type RetryPolicy } from "../../src/delivery/retryPolicy.js";

const policy: RetryPolicy = { max_attempts: 10, backoff_initial_ms: 100, backoff_max_ms: 1_000 };

describe("backoffDelayMs", () => {
  it("is floor(random · min(backoff_max_ms, backoff_initial_ms · 2^(attempt−1)))", () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(policy, a, () => 0))).toEqual([0, 0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(policy, a, () => 0.5))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(policy, a, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    // attempts far beyond the cap neither overflow nor exceed it
    expect(backoffDelayMs(policy, 10_000, () => 0.999)).toBe(999);
  });

  it("stays in [0, cap) for every random in [0, 1)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (initial, extra, attempt, r) => {
          const p = { max_attempts: 100, backoff_initial_ms: initial, backoff_max_ms: initial + extra };
          const cap = Math.min(p.backoff_max_ms, initial * 2 ** Math.min(attempt - 1, 40));
          const d = backoffDelayMs(p, attempt, () => r);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(cap);
        },
      ),
    );
  });

  it("waits at least the destination's Retry-After, capped at backoff_max_ms", () => {
    expect(backoffDelayMs(policy, 1, () => 0, 700)).toBe(700);
    expect(backoffDelayMs(policy, 1, () => 0.5, 10)).toBe(50);
    expect(backoffDelayMs(policy, 1, () => 0, 90_000)).toBe(1_000);
    expect(backoffDelayMs(policy, 1, () => 0, -5)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat(10_000_000), (attempt, r, after) => {
        const d = backoffDelayMs(policy, attempt, () => r, after);
        expect(d).toBeGreaterThanOrEqual(Math.min(after, policy.backoff_max_ms));
        expect(d).toBeLessThanOrEqual(
          Math.max(
            policy.backoff_max_ms,
            backoffDelayMs(policy, attempt, () => r),
          ),
        );
      }),
    );
  });
});
