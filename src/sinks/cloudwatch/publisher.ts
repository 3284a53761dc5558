import { DeliveryQueue, type Attempt } from "../../delivery/deliveryQueue.js";
import type { RetryPolicy } from "../../delivery/retryPolicy.js";
import type { Logger } from "../../telemetry/logger.js";
import { classifyError, type PutMetricDataApi } from "./api.js";
import { takeBatch, type Batch } from "./batching.js";
import type { Datum } from "./datums.js";
import { invalidReason, PUT_METRIC_DATA_LIMITS, type PutMetricDataLimits } from "./limits.js";
import type { CloudWatchSinkMetrics, DropReason } from "./sinkMetrics.js";
import { logEvent } from "../../telemetry/logEvents.js";

export interface PublisherOptions {
  readonly api: PutMetricDataApi;
  readonly metrics: CloudWatchSinkMetrics;
  readonly log: Logger;
  /** Attempts per request (the first included) and backoff: the config's max_attempts, backoff_initial_ms, backoff_max_ms. */
  readonly retry: RetryPolicy;
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
 * Sends datums to CloudWatch in the background, through a DeliveryQueue (src/delivery/). Contract:
 * - `enqueue` never blocks and never throws: it validates (invalid datums are dropped and counted
 *   by reason), queues per namespace, drops the oldest datums (smallest timestamp) beyond
 *   `queueMaxDatums` (reason queue_full), and wakes the sender;
 * - one request in flight at a time, oldest window first; each request within PutMetricData's
 *   limits (batching.ts); each attempt bounded by `requestTimeoutMs`;
 * - throttling, 5xx, timeouts and network errors are retried with full-jitter backoff
 *   (src/delivery/retryPolicy.ts) up to `retry.max_attempts`, then the batch is dropped
 *   (retries_exhausted); other errors drop it at once (rejected); both are logged with the error;
 * - `close` stops accepting, keeps sending (retries included) for up to `closeTimeoutMs`, then
 *   aborts and drops what is left (shutdown). Every datum ends up sent or counted as dropped.
 */
export class CloudWatchPublisher {
  readonly #o: PublisherOptions;
  readonly #limits: PutMetricDataLimits;
  readonly #now: () => number;
  readonly #queue: DeliveryQueue<Datum, Batch>;

  constructor(o: PublisherOptions) {
    this.#o = o;
    this.#limits = o.limits ?? PUT_METRIC_DATA_LIMITS;
    this.#now = o.now ?? Date.now;
    const log = o.log;
    this.#queue = new DeliveryQueue<Datum, Batch>({
      policy: o.retry,
      maxQueued: o.queueMaxDatums,
      deliver: (batch, stop) => this.#attempt(batch, stop),
      take: (lane, namespace) => takeBatch(lane, namespace, this.#limits),
      batchUnits: (batch) => batch.datums.length,
      lane: (d) => d.namespace,
      age: (d) => d.timestampMs,
      metrics: o.metrics,
      hooks: {
        failed: (batch, reason, detail, attempts, last) => {
          // a batch cut short by shutdown is counted, and summed up in the sink's close-time log line
          if (reason === "shutdown") return;
          const label: DropReason = reason === "attempts_exhausted" ? "retries_exhausted" : reason;
          logEvent(log, "cloudwatch_put_failed", {
            sink: "cloudwatch",
            namespace: batch.namespace,
            datums: batch.datums.length,
            reason: label,
            error: last?.detail ?? detail,
            status: last?.status,
            attempts,
          });
        },
        dropped: (datums, reason) => {
          if (reason === "queue_full") {
            logEvent(log, "cloudwatch_queue_full", { sink: "cloudwatch", datums: datums.length, queue_max_datums: o.queueMaxDatums });
          } else {
            logEvent(log, "cloudwatch_dropped_at_shutdown", { sink: "cloudwatch", datums: datums.length, reason });
          }
        },
      },
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.sleep === undefined ? {} : { sleep: o.sleep }),
    });
  }

  /** Datums waiting (not counting the request in flight). */
  get queued(): number {
    return this.#queue.queued;
  }

  enqueue(datums: readonly Datum[]): void {
    const now = this.#now();
    const valid: Datum[] = [];
    const invalid = new Map<DropReason, number>();
    for (const d of datums) {
      const reason = invalidReason(d, now, this.#limits);
      if (reason === undefined) valid.push(d);
      else invalid.set(reason, (invalid.get(reason) ?? 0) + 1);
    }
    for (const [reason, n] of invalid) {
      this.#o.metrics.dropped(reason, n);
      logEvent(this.#o.log, "cloudwatch_datums_invalid", { sink: "cloudwatch", reason, datums: n });
    }
    this.#queue.push(valid);
  }

  /** Resolves once the queue is empty and nothing is in flight (sent or dropped). */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  close(): Promise<void> {
    return this.#queue.close(this.#o.closeTimeoutMs);
  }

  /** One PutMetricData attempt, bounded by requestTimeoutMs; every attempt is counted by outcome. */
  async #attempt(batch: Batch, stop: AbortSignal): Promise<Attempt> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.#o.requestTimeoutMs), stop]);
    try {
      await this.#o.api.putMetricData(batch, signal);
      this.#o.metrics.request("ok");
      return { ok: true };
    } catch (e) {
      const failure = classifyError(e, signal.aborted);
      this.#o.metrics.request(failure.kind);
      return { ok: false, retryable: failure.retryable, detail: failure.message, ...(failure.status === undefined ? {} : { status: failure.status }) };
    }
  }
}
