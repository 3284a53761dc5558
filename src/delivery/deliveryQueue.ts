import { setTimeout as delay } from "node:timers/promises";
import type { DeliveryMetrics, FailureReason } from "./deliveryMetrics.js";
import { Deque } from "./deque.js";
import { backoffDelayMs, type RetryPolicy } from "./retryPolicy.js";

/** How long `close` waits, after aborting, for an attempt that does not honour its signal. */
const ABORT_GRACE_MS = 1_000;

/**
 * The outcome of one attempt. `retryAfterMs`: the destination asked to wait this long (HTTP
 * Retry-After), a floor for the next backoff. `status`: the destination's status code, for logs.
 */
export type Attempt = { ok: true } | Failure;
export interface Failure {
  readonly ok: false;
  readonly retryable: boolean;
  readonly detail: string;
  readonly retryAfterMs?: number;
  readonly status?: number;
}

/** Per-outcome callbacks, for logs; the counting is done by the queue on DeliveryMetrics. */
export interface DeliveryHooks<T, B> {
  delivered?(batch: B, attempts: number): void;
  /** A batch given up after `attempts` attempts (0 when the run ended before the first); `last` is the last failure. */
  failed?(batch: B, reason: FailureReason, detail: string, attempts: number, last: Failure | undefined): void;
  /** Items given up while waiting: the oldest beyond the bound (`queue_full`), or those left or pushed at close (`shutdown`). */
  dropped?(items: readonly T[], reason: "queue_full" | "shutdown", detail: string): void;
  /** A failed attempt that will be tried again after `delayMs`. */
  retrying?(batch: B, attempt: number, detail: string, delayMs: number): void;
}

export interface DeliveryQueueOptions<T, B> {
  readonly policy: RetryPolicy;
  /** Items waiting (in all lanes, not counting the batch in flight); beyond it the oldest are dropped. */
  readonly maxQueued: number;
  /** One attempt. Must honour `signal` (aborted at close) and may throw (then a retryable failure). */
  readonly deliver: (batch: B, signal: AbortSignal) => Promise<Attempt>;
  /** Removes the next batch (at least one item) from the head of a lane that is not empty. */
  readonly take: (lane: Deque<T>, key: string) => B;
  /** Units of a batch and of an item, in the metrics' unit (default 1 per item; the batch's are required). */
  readonly batchUnits: (batch: B) => number;
  readonly units?: (item: T) => number;
  /** The lane of an item: items of one lane go out in push order (default: one lane). */
  readonly lane?: (item: T) => string;
  /** Which lane goes next and loses its head on overflow: the one whose head is oldest (smallest; ties: the lane made first). */
  readonly age?: (item: T) => number;
  readonly metrics: DeliveryMetrics;
  readonly hooks?: DeliveryHooks<T, B>;
  /** Injected for tests: random in [0, 1) for the jitter, and the backoff sleep (must end when `signal` aborts). */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** `take` for a queue delivering one item at a time. */
export function takeOne<T>(lane: Deque<T>): T {
  return lane.shift() as T;
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => {});

/**
 * A bounded queue delivered in the background by one worker, one batch in flight at a time, with
 * retries (RetryPolicy, backoffDelayMs). The one queue of every destination that must not hold
 * up the monitor: alert channels (src/alerts/) and the CloudWatch publisher. Contract:
 * - `push` never blocks and never throws; beyond `maxQueued` waiting items the oldest are dropped
 *   (`queue_full`); after `close` started, pushed items are dropped at once (`shutdown`);
 * - within a lane items go out in push order; the lane with the oldest head goes first;
 * - a failed attempt is retried while it is retryable and attempts are left, after the backoff;
 *   then the batch fails (`attempts_exhausted`, or `rejected` when not retryable);
 * - `close(ms)` waits at most `ms` for the queue to drain, then aborts the attempt in flight and
 *   the backoff sleep, and drops what is waiting (`shutdown`); it returns once the attempt in
 *   flight settled, or after a grace second if it ignores its signal (it is then counted when it
 *   settles);
 * - every unit pushed is counted exactly once on `metrics`, as delivered or failed by reason.
 */
export class DeliveryQueue<T, B> {
  readonly #o: DeliveryQueueOptions<T, B>;
  readonly #units: (item: T) => number;
  readonly #lane: (item: T) => string;
  readonly #age: (item: T) => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #lanes = new Map<string, Deque<T>>();
  readonly #abort = new AbortController();
  #queued = 0;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: DeliveryQueueOptions<T, B>) {
    this.#o = options;
    this.#units = options.units ?? (() => 1);
    this.#lane = options.lane ?? (() => "");
    this.#age = options.age ?? (() => 0);
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** Items waiting (not counting the batch in flight). */
  get queued(): number {
    return this.#queued;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.#closed) {
      this.#drop(items, "shutdown", "the queue is closed");
      return;
    }
    for (const item of items) {
      const key = this.#lane(item);
      let lane = this.#lanes.get(key);
      if (lane === undefined) this.#lanes.set(key, (lane = new Deque()));
      lane.push(item);
      this.#queued++;
    }
    const overflow: T[] = [];
    while (this.#queued > this.#o.maxQueued) {
      overflow.push(this.#oldestLane()?.[1].shift() as T);
      this.#queued--;
    }
    if (overflow.length > 0) this.#drop(overflow, "queue_full", `more than ${this.#o.maxQueued} waiting`);
    this.#o.metrics.queued(this.#queued);
    this.#kick();
  }

  /** Resolves once nothing is waiting or in flight. */
  async flush(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    if (this.#running !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([this.flush(), deadline]);
      clearTimeout(timer);
    }
    this.#abort.abort();
    const waiting: T[] = [];
    for (const lane of this.#lanes.values()) waiting.push(...lane.drain());
    this.#queued = 0;
    this.#o.metrics.queued(0);
    if (waiting.length > 0) this.#drop(waiting, "shutdown", "the run ended before it was delivered");
    if (this.#running !== undefined) await Promise.race([this.flush(), delay(ABORT_GRACE_MS, undefined, { ref: false })]);
  }

  #kick(): void {
    if (this.#running !== undefined || this.#queued === 0 || this.#abort.signal.aborted) return;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      this.#kick();
    });
  }

  async #run(): Promise<void> {
    for (let next = this.#oldestLane(); next !== undefined && !this.#abort.signal.aborted; next = this.#oldestLane()) {
      const [key, lane] = next;
      const before = lane.length;
      const batch = this.#o.take(lane, key);
      this.#queued -= before - lane.length;
      this.#o.metrics.queued(this.#queued);
      await this.#deliver(batch);
    }
  }

  /** Attempts one batch until it is delivered or given up; counts it exactly once. */
  async #deliver(batch: B): Promise<void> {
    const signal = this.#abort.signal;
    const n = this.#o.batchUnits(batch);
    let last: Failure | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) {
        const detail = last === undefined ? "the run ended before it was delivered" : `the run ended after attempt ${attempt - 1}: ${last.detail}`;
        this.#fail(batch, n, "shutdown", detail, attempt - 1, last);
        return;
      }
      let result: Attempt;
      try {
        result = await this.#o.deliver(batch, signal);
      } catch (e) {
        result = { ok: false, retryable: true, detail: e instanceof Error ? e.message : String(e) };
      }
      if (result.ok) {
        this.#o.metrics.delivered(n);
        this.#o.hooks?.delivered?.(batch, attempt);
        return;
      }
      last = result;
      if (signal.aborted) {
        this.#fail(batch, n, "shutdown", `the run ended during attempt ${attempt}: ${result.detail}`, attempt, result);
        return;
      }
      if (!result.retryable) {
        this.#fail(batch, n, "rejected", result.detail, attempt, result);
        return;
      }
      if (attempt >= this.#o.policy.max_attempts) {
        this.#fail(batch, n, "attempts_exhausted", `${attempt} attempt${attempt === 1 ? "" : "s"}, the last: ${result.detail}`, attempt, result);
        return;
      }
      const delayMs = backoffDelayMs(this.#o.policy, attempt, this.#random, result.retryAfterMs);
      this.#o.metrics.retried(n);
      this.#o.hooks?.retrying?.(batch, attempt, result.detail, delayMs);
      await this.#sleep(delayMs, signal);
    }
  }

  #fail(batch: B, n: number, reason: FailureReason, detail: string, attempts: number, last: Failure | undefined): void {
    this.#o.metrics.failed(reason, n);
    this.#o.hooks?.failed?.(batch, reason, detail, attempts, last);
  }

  #drop(items: readonly T[], reason: "queue_full" | "shutdown", detail: string): void {
    let n = 0;
    for (const item of items) n += this.#units(item);
    this.#o.metrics.failed(reason, n);
    this.#o.hooks?.dropped?.(items, reason, detail);
  }

  /** The lane whose head is oldest (ties: the lane made first). */
  #oldestLane(): [string, Deque<T>] | undefined {
    let best: [string, Deque<T>] | undefined;
    let bestAge = Infinity;
    for (const [key, lane] of this.#lanes) {
      const head = lane.peek();
      if (head === undefined) continue;
      const age = this.#age(head);
      if (best === undefined || age < bestAge) {
        best = [key, lane];
        bestAge = age;
      }
    }
    return best;
  }
}
