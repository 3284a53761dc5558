// The one delivery queue (src/delivery/deliveryQueue.ts): bound and drop accounting, order, lanes,
// retries with the backoff rule, close with a deadline, and that every item ends in exactly one
// outcome.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DeliveryMetrics, FailureReason } from "../../src/delivery/deliveryMetrics.js";
import { DeliveryQueue, takeOne, type Attempt, type DeliveryQueueOptions } from "../../src/delivery/deliveryQueue.js";

class Counts implements DeliveryMetrics {
  deliveredTotal = 0;
  retriedTotal = 0;
  readonly failedTotal: Record<FailureReason, number> = { attempts_exhausted: 0, rejected: 0, queue_full: 0, shutdown: 0 };
  depth = 0;
  delivered(n: number): void {
    this.deliveredTotal += n;
  }
  retried(n: number): void {
    this.retriedTotal += n;
  }
  failed(reason: FailureReason, n: number): void {
    this.failedTotal[reason] += n;
  }
  queued(depth: number): void {
    this.depth = depth;
  }
  get failedSum(): number {
    return Object.values(this.failedTotal).reduce((a, b) => a + b, 0);
  }
}

/** Outcomes per item, as the hooks report them. */
type Outcome = "delivered" | FailureReason;

function queue<T>(deliver: (item: T, signal: AbortSignal) => Promise<Attempt>, over: Partial<DeliveryQueueOptions<T, T>> = {}) {
  const metrics = new Counts();
  const outcomes = new Map<T, Outcome[]>();
  const note = (item: T, o: Outcome): void => void outcomes.set(item, [...(outcomes.get(item) ?? []), o]);
  const sleeps: number[] = [];
  const q = new DeliveryQueue<T, T>({
    policy: { max_attempts: 3, backoff_initial_ms: 100, backoff_max_ms: 1_000 },
    maxQueued: 10,
    deliver,
    take: takeOne,
    batchUnits: () => 1,
    metrics,
    hooks: {
      delivered: (item) => note(item, "delivered"),
      failed: (item, reason) => note(item, reason),
      dropped: (items, reason) => items.forEach((i) => note(i, reason)),
    },
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...over,
  });
  return { q, metrics, outcomes, sleeps };
}

/** An attempt that waits until released or aborted (then a retryable failure, as fetch's AbortError). */
function gate() {
  const waiting: Array<() => void> = [];
  const deliver = (_item: unknown, signal: AbortSignal): Promise<Attempt> =>
    new Promise((resolve) => {
      const fail = (): void => resolve({ ok: false, retryable: true, detail: "aborted" });
      if (signal.aborted) return fail();
      signal.addEventListener("abort", fail, { once: true });
      waiting.push(() => resolve({ ok: true }));
    });
  return { deliver, release: () => waiting.shift()?.() };
}

const OK: Attempt = { ok: true };

describe("DeliveryQueue", () => {
  it("delivers in push order, one at a time", async () => {
    const seen: number[] = [];
    const { q, metrics } = queue<number>(async (i) => (seen.push(i), OK));
    q.push([1, 2]);
    q.push([3]);
    await q.flush();
    expect(seen).toEqual([1, 2, 3]);
    expect(metrics.deliveredTotal).toBe(3);
    expect(metrics.depth).toBe(0);
  });

  it("beyond maxQueued drops the oldest waiting items, counted as queue_full; the one in flight is not waiting", async () => {
    const g = gate();
    const { q, metrics, outcomes } = queue<string>(g.deliver, { maxQueued: 2 });
    q.push(["a"]); // in flight
    q.push(["b", "c"]);
    q.push(["d", "e"]); // b and c are the oldest waiting
    expect(q.queued).toBe(2);
    expect(metrics.depth).toBe(2);
    expect(metrics.failedTotal.queue_full).toBe(2);
    expect(outcomes.get("b")).toEqual(["queue_full"]);
    expect(outcomes.get("c")).toEqual(["queue_full"]);
    for (let i = 0; i < 3; i++) {
      g.release();
      await new Promise((r) => setImmediate(r));
    }
    await q.flush();
    expect(outcomes.get("a")).toEqual(["delivered"]);
    expect(outcomes.get("d")).toEqual(["delivered"]);
    expect(outcomes.get("e")).toEqual(["delivered"]);
  });

  it("counts in the destination's unit: an item of 3 events fails as 3", async () => {
    const g = gate();
    const { q, metrics } = queue<number[]>(g.deliver, { maxQueued: 1, units: (i) => i.length, batchUnits: (i) => i.length });
    q.push([[1]]);
    q.push([[1, 2, 3]]);
    q.push([[4, 5]]);
    expect(metrics.failedTotal.queue_full).toBe(3);
    await q.close(0);
    expect(metrics.failedTotal.shutdown).toBe(3);
  });

  it("sends the lane whose head is oldest first, and drops from it first", async () => {
    const sent: string[] = [];
    const g = gate();
    let first = true;
    const { q, metrics } = queue<{ lane: string; age: number }>(
      async (item, signal) => {
        if (first) {
          first = false;
          await g.deliver(item, signal);
        }
        sent.push(`${item.lane}${item.age}`);
        return OK;
      },
      { lane: (i) => i.lane, age: (i) => i.age, maxQueued: 3 },
    );
    q.push([{ lane: "x", age: 0 }]); // in flight
    q.push([
      { lane: "b", age: 5 },
      { lane: "a", age: 2 },
      { lane: "a", age: 3 },
      { lane: "b", age: 6 },
    ]); // 4 > 3: a2, the oldest head, is dropped
    expect(metrics.failedTotal.queue_full).toBe(1);
    g.release();
    await q.flush();
    expect(sent).toEqual(["x0", "a3", "b5", "b6"]);
  });

  it("retries a retryable failure after the backoff, up to max_attempts, then fails it as attempts_exhausted", async () => {
    let calls = 0;
    const { q, metrics, outcomes, sleeps } = queue<string>(async () => (calls++, { ok: false, retryable: true, detail: "HTTP 503" }));
    q.push(["a"]);
    await q.flush();
    expect(calls).toBe(3);
    // full jitter with random 0.5: floor(0.5 · 100), floor(0.5 · 200)
    expect(sleeps).toEqual([50, 100]);
    expect(metrics.retriedTotal).toBe(2);
    expect(outcomes.get("a")).toEqual(["attempts_exhausted"]);
  });

  it("takes the destination's Retry-After as the floor of the wait", async () => {
    let calls = 0;
    const { q, sleeps, outcomes } = queue<string>(async () => (++calls === 1 ? { ok: false, retryable: true, detail: "HTTP 429", retryAfterMs: 700 } : OK));
    q.push(["a"]);
    await q.flush();
    expect(sleeps).toEqual([700]);
    expect(outcomes.get("a")).toEqual(["delivered"]);
  });

  it("does not retry a failure that is not retryable (rejected), nor one that throws past max_attempts", async () => {
    const { q, metrics, outcomes, sleeps } = queue<string>(async (i) => {
      if (i === "bad") return { ok: false, retryable: false, detail: "HTTP 400" };
      throw new Error("socket hang up");
    });
    q.push(["bad", "throws"]);
    await q.flush();
    expect(outcomes.get("bad")).toEqual(["rejected"]);
    expect(outcomes.get("throws")).toEqual(["attempts_exhausted"]);
    expect(sleeps).toHaveLength(2);
    expect(metrics.failedSum).toBe(2);
  });

  it("close waits for the queue to drain within its deadline", async () => {
    const { q, metrics } = queue<number>(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return OK;
    });
    q.push([1, 2, 3]);
    await q.close(5_000);
    expect(metrics.deliveredTotal).toBe(3);
  });

  it("close past its deadline aborts the attempt in flight and fails it and the waiting ones as shutdown; later pushes too", async () => {
    const g = gate();
    const { q, metrics, outcomes } = queue<string>(g.deliver);
    q.push(["a", "b", "c"]);
    const t0 = Date.now();
    await q.close(50);
    expect(Date.now() - t0).toBeLessThan(900);
    expect(metrics.failedTotal.shutdown).toBe(3);
    expect(metrics.depth).toBe(0);
    q.push(["d"]);
    expect([...outcomes.values()]).toEqual([["shutdown"], ["shutdown"], ["shutdown"], ["shutdown"]]);
  });

  it("close gives an attempt that ignores its signal a grace second, and counts it once when it settles", async () => {
    let finish!: () => void;
    const { q, metrics, outcomes } = queue<string>(() => new Promise((resolve) => (finish = () => resolve(OK))));
    q.push(["a"]);
    const t0 = Date.now();
    await q.close(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(outcomes.get("a")).toBeUndefined();
    finish();
    await q.flush();
    // the destination took it after all: delivered, counted once, late
    expect(outcomes.get("a")).toEqual(["delivered"]);
    expect(metrics.failedSum + metrics.deliveredTotal).toBe(1);
  });

  it("every item pushed ends in exactly one outcome, counted once (property)", async () => {
    type Step = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constant<Step>({ ok: true }),
      fc.record({ ok: fc.constant<false>(false), retryable: fc.boolean() }),
      fc.record({ ok: fc.constant<false>(false), retryable: fc.constant(true), retryAfterMs: fc.nat(50) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(3), { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(step, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0, 2, 1_000),
        async (pushes, script, maxQueued, maxAttempts, closeMs) => {
          let next = 0;
          const { q, metrics, outcomes } = queue<{ id: number; lane: number }>(
            async () => {
              await new Promise((r) => setTimeout(r, 1));
              const s = script[next++ % Math.max(1, script.length)] ?? { ok: true };
              return s.ok ? OK : { ok: false, retryable: s.retryable, detail: "x", ...(s.retryAfterMs === undefined ? {} : { retryAfterMs: s.retryAfterMs }) };
            },
            { maxQueued, policy: { max_attempts: maxAttempts, backoff_initial_ms: 1, backoff_max_ms: 2 }, lane: (i) => String(i.lane), age: (i) => i.id },
          );
          let id = 0;
          const all: Array<{ id: number; lane: number }> = [];
          for (const push of pushes) {
            const items = push.map((lane) => ({ id: id++, lane }));
            all.push(...items);
            q.push(items);
            await new Promise((r) => setTimeout(r, 0));
          }
          await q.close(closeMs);
          await q.flush();
          for (const item of all) expect(outcomes.get(item)?.length, `item ${item.id}`).toBe(1);
          expect(metrics.deliveredTotal + metrics.failedSum).toBe(all.length);
          expect(metrics.depth).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
