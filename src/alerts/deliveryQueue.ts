import { setTimeout as sleep } from "node:timers/promises";

/** How long `close` waits for an aborted attempt to settle. */
const ABORT_GRACE_MS = 1_000;

/** How one destination is retried; see the delivery fields of src/alerts/alertsSchema.ts. */
export interface RetryPolicy {
  readonly max_attempts: number;
  readonly backoff_initial_ms: number;
  readonly backoff_max_ms: number;
  readonly max_queued_events: number;
}

/** The outcome of one attempt. `retryAfterMs`: the destination asked to wait this long (HTTP Retry-After). */
export type Attempt = { ok: true } | { ok: false; retryable: boolean; detail: string; retryAfterMs?: number };

/**
 * Why an item was given up: the last attempt failed (`attempts_exhausted`), the destination refused
 * it for good (`rejected`, e.g. HTTP 400), the queue was full and it was the oldest (`queue_full`),
 * or the run ended first (`shutdown`).
 */
export type FailureReason = "attempts_exhausted" | "rejected" | "queue_full" | "shutdown";
export const FAILURE_REASONS: readonly FailureReason[] = ["attempts_exhausted", "rejected", "queue_full", "shutdown"];

export interface DeliveryOutcomes<T> {
  delivered(item: T, attempts: number): void;
  failed(item: T, reason: FailureReason, detail: string): void;
  /** A failed attempt that will be retried after `delayMs`. */
  retrying?(item: T, attempt: number, detail: string, delayMs: number): void;
}

/**
 * The delay before attempt `attempt + 1`: exponential (initial · 2^(attempt−1), capped at max) with
 * "equal jitter" (half of it fixed, half uniformly random), so retries of many senders spread out
 * but never come sooner than half the nominal delay; at least the destination's Retry-After (also
 * capped at max).
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number, retryAfterMs?: number): number {
  const cap = Math.min(policy.backoff_max_ms, policy.backoff_initial_ms * 2 ** Math.min(attempt - 1, 30));
  const jittered = cap / 2 + random() * (cap / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.backoff_max_ms);
  return Math.round(Math.max(jittered, floor));
}

/**
 * A bounded FIFO delivered by one worker, one item at a time (so a destination sees items in the
 * order they were pushed), with retries. Contract: `push` never blocks and never throws; every item
 * pushed ends in exactly one of `delivered` or `failed`, except one whose attempt is still running
 * after `close` gave up waiting for it (it reports when that attempt settles). `close(ms)` waits
 * at most `ms` for the queue to drain, then aborts the attempt in flight and the backoff sleeps
 * (deliver must honour the signal) and fails what is left with `shutdown`.
 */
export class DeliveryQueue<T> {
  readonly #policy: RetryPolicy;
  readonly #deliver: (item: T, signal: AbortSignal) => Promise<Attempt>;
  readonly #outcomes: DeliveryOutcomes<T>;
  readonly #random: () => number;
  readonly #abort = new AbortController();
  readonly #items: T[] = [];
  #active = false;
  #done: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    policy: RetryPolicy,
    deliver: (item: T, signal: AbortSignal) => Promise<Attempt>,
    outcomes: DeliveryOutcomes<T>,
    random: () => number = Math.random,
  ) {
    this.#policy = policy;
    this.#deliver = deliver;
    this.#outcomes = outcomes;
    this.#random = random;
  }

  /** Items waiting (not counting the one in flight). */
  get queued(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#closed) {
      this.#outcomes.failed(item, "shutdown", "the channel is closed");
      return;
    }
    if (this.#items.length >= this.#policy.max_queued_events) {
      const oldest = this.#items.shift() as T;
      this.#outcomes.failed(oldest, "queue_full", `more than ${this.#policy.max_queued_events} alerts waiting`);
    }
    this.#items.push(item);
    if (!this.#active) {
      this.#active = true;
      this.#done = this.#run();
    }
  }

  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    if (this.#active) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      });
      await Promise.race([this.#done, deadline]);
      clearTimeout(timer);
    }
    this.#abort.abort();
    for (const item of this.#items.splice(0)) this.#outcomes.failed(item, "shutdown", "the run ended before it was delivered");
    // an attempt honouring the signal settles at once; one that does not is left behind after a grace second
    await Promise.race([this.#done, sleep(ABORT_GRACE_MS, undefined, { ref: false })]);
  }

  async #run(): Promise<void> {
    try {
      while (this.#items.length > 0) await this.#deliverOne(this.#items.shift() as T);
    } finally {
      this.#active = false;
    }
  }

  async #deliverOne(item: T): Promise<void> {
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) {
        this.#outcomes.failed(item, "shutdown", "the run ended before it was delivered");
        return;
      }
      let result: Attempt;
      try {
        result = await this.#deliver(item, signal);
      } catch (e) {
        result = { ok: false, retryable: true, detail: e instanceof Error ? e.message : String(e) };
      }
      if (result.ok) {
        this.#outcomes.delivered(item, attempt);
        return;
      }
      if (signal.aborted) {
        this.#outcomes.failed(item, "shutdown", `the run ended during attempt ${attempt}: ${result.detail}`);
        return;
      }
      if (!result.retryable) {
        this.#outcomes.failed(item, "rejected", result.detail);
        return;
      }
      if (attempt >= this.#policy.max_attempts) {
        this.#outcomes.failed(item, "attempts_exhausted", `${attempt} attempt${attempt === 1 ? "" : "s"}, the last: ${result.detail}`);
        return;
      }
      const delayMs = backoffDelayMs(this.#policy, attempt, this.#random, result.retryAfterMs);
      this.#outcomes.retrying?.(item, attempt, result.detail, delayMs);
      await sleep(delayMs, undefined, { signal }).catch(() => {});
    }
  }
}
