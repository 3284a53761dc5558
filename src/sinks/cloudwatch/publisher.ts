import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "../../telemetry/logger.js";
import { CloudWatchCallError, classifyError, type PutMetricDataApi } from "./api.js";
import { takeBatch, type Batch } from "./batching.js";
import type { Datum } from "./datums.js";
import { Deque } from "./deque.js";
import { invalidReason, PUT_METRIC_DATA_LIMITS, type PutMetricDataLimits } from "./limits.js";
import type { CloudWatchSinkMetrics, DropReason } from "./sinkMetrics.js";

export interface PublisherOptions {
  readonly api: PutMetricDataApi;
  readonly metrics: CloudWatchSinkMetrics;
  readonly log: Logger;
  /** Attempts per request, the first included (≥ 1). */
  readonly maxAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** One attempt is aborted after this long. */
  readonly requestTimeoutMs: number;
  /** Datums waiting, over all namespaces; beyond it the oldest are dropped. */
  readonly queueMaxDatums: number;
  /** close() sends for at most this long. */
  readonly closeTimeoutMs: number;
  readonly limits?: PutMetricDataLimits;
  /** Injected for tests: wall clock (timestamp validity), random in [0, 1), and the backoff sleep. */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): the
 * wait before retry `n` (1-based) is uniform in [0, min(maxMs, baseMs·2^(n-1))).
 */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(retry - 1, 40));
  return Math.floor(random() * cap);
}

const defaultSleep = async (ms: number, signal: AbortSignal): Promise<void> => {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller looks at the signal
  }
};

/**
 * Sends datums to CloudWatch in the background. Contract:
 * - `enqueue` never blocks and never throws: it validates (invalid datums are dropped and counted
 *   by reason), queues per namespace, drops the oldest datums (smallest timestamp) beyond
 *   `queueMaxDatums` (reason queue_full), and wakes the sender;
 * - one request in flight at a time, oldest window first; each request within PutMetricData's
 *   limits (batching.ts); each attempt bounded by `requestTimeoutMs`;
 * - throttling, 5xx, timeouts and network errors are retried with full-jitter backoff up to
 *   `maxAttempts`, then the batch is dropped (retries_exhausted); other errors drop it at once
 *   (rejected); both are logged with the error;
 * - `close` stops accepting, keeps sending (retries included) for up to `closeTimeoutMs`, then
 *   aborts and drops what is left (shutdown). Every datum ends up sent or counted as dropped.
 */
export class CloudWatchPublisher {
  readonly #o: PublisherOptions;
  readonly #limits: PutMetricDataLimits;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #queues = new Map<string, Deque<Datum>>();
  #queued = 0;
  #running: Promise<void> | undefined;
  #closing = false;
  /** Aborted when close() runs out of time: ends the in-flight attempt and any backoff sleep. */
  readonly #stop = new AbortController();

  constructor(o: PublisherOptions) {
    this.#o = o;
    this.#limits = o.limits ?? PUT_METRIC_DATA_LIMITS;
    this.#now = o.now ?? Date.now;
    this.#random = o.random ?? Math.random;
    this.#sleep = o.sleep ?? defaultSleep;
  }

  /** Datums waiting (not counting the request in flight). */
  get queued(): number {
    return this.#queued;
  }

  enqueue(datums: readonly Datum[]): void {
    if (this.#closing) {
      this.#o.metrics.dropped("shutdown", datums.length);
      return;
    }
    const now = this.#now();
    const invalid = new Map<DropReason, number>();
    for (const d of datums) {
      const reason = invalidReason(d, now, this.#limits);
      if (reason !== undefined) {
        invalid.set(reason, (invalid.get(reason) ?? 0) + 1);
        continue;
      }
      let q = this.#queues.get(d.namespace);
      if (q === undefined) this.#queues.set(d.namespace, (q = new Deque()));
      q.push(d);
      this.#queued++;
    }
    for (const [reason, n] of invalid) {
      this.#o.metrics.dropped(reason, n);
      this.#o.log.warn({ sink: "cloudwatch", reason, datums: n }, "datums CloudWatch would refuse were dropped");
    }
    let overflow = 0;
    while (this.#queued > this.#o.queueMaxDatums) {
      this.#oldestQueue()?.[1].shift();
      this.#queued--;
      overflow++;
    }
    if (overflow > 0) {
      this.#o.metrics.dropped("queue_full", overflow);
      this.#o.log.warn({ sink: "cloudwatch", datums: overflow, queue_max_datums: this.#o.queueMaxDatums }, "CloudWatch queue full: oldest datums dropped");
    }
    this.#o.metrics.queued(this.#queued);
    this.#kick();
  }

  /** Resolves once the queue is empty and nothing is in flight (sent or dropped). */
  async flush(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async close(): Promise<void> {
    this.#closing = true;
    const timer = setTimeout(() => this.#stop.abort(), this.#o.closeTimeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(timer);
    }
    this.#dropAll("shutdown");
  }

  #kick(): void {
    if (this.#running !== undefined || this.#queued === 0) return;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (!this.#stop.signal.aborted) this.#kick();
    });
  }

  async #run(): Promise<void> {
    for (let next = this.#oldestQueue(); next !== undefined && !this.#stop.signal.aborted; next = this.#oldestQueue()) {
      const batch = takeBatch(next[1], next[0], this.#limits);
      this.#queued -= batch.datums.length;
      this.#o.metrics.queued(this.#queued);
      await this.#send(batch);
    }
    if (this.#stop.signal.aborted) this.#dropAll("shutdown");
  }

  /** Sends one batch with retries; every datum of it ends up sent or counted as dropped. */
  async #send(batch: Batch): Promise<void> {
    const n = batch.datums.length;
    let last: CloudWatchCallError | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= this.#o.maxAttempts; attempt++) {
      if (attempt > 1) {
        await this.#sleep(backoffMs(attempt - 1, this.#o.retryBaseDelayMs, this.#o.retryMaxDelayMs, this.#random), this.#stop.signal);
      }
      if (this.#stop.signal.aborted) {
        this.#o.metrics.dropped("shutdown", n);
        return;
      }
      attempts = attempt;
      const signal = AbortSignal.any([AbortSignal.timeout(this.#o.requestTimeoutMs), this.#stop.signal]);
      try {
        await this.#o.api.putMetricData(batch, signal);
        this.#o.metrics.request("ok");
        this.#o.metrics.sent(n);
        return;
      } catch (e) {
        last = classifyError(e, signal.aborted);
        this.#o.metrics.request(last.kind);
        if (this.#stop.signal.aborted) {
          this.#o.metrics.dropped("shutdown", n);
          return;
        }
        if (!last.retryable) break;
      }
    }
    const reason: DropReason = last?.retryable === false ? "rejected" : "retries_exhausted";
    this.#o.metrics.dropped(reason, n);
    this.#o.log.warn(
      { sink: "cloudwatch", namespace: batch.namespace, datums: n, reason, error: last?.message, status: last?.status, attempts },
      "CloudWatch PutMetricData failed: datums dropped",
    );
  }

  /** The namespace and queue whose head is the oldest datum (smallest timestamp; ties: first namespace seen). */
  #oldestQueue(): [string, Deque<Datum>] | undefined {
    let best: [string, Deque<Datum>] | undefined;
    let bestTs = Infinity;
    for (const [namespace, q] of this.#queues) {
      const head = q.peek();
      if (head !== undefined && head.timestampMs < bestTs) {
        best = [namespace, q];
        bestTs = head.timestampMs;
      }
    }
    return best;
  }

  #dropAll(reason: DropReason): void {
    let n = 0;
    for (const q of this.#queues.values()) n += q.drain().length;
    this.#queued = 0;
    this.#o.metrics.queued(0);
    if (n > 0) {
      this.#o.metrics.dropped(reason, n);
      this.#o.log.warn({ sink: "cloudwatch", datums: n, reason }, "CloudWatch datums not sent before shutdown were dropped");
    }
  }
}
