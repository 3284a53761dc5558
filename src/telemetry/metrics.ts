import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CheckType } from "../checks/Check.js";
import type { PartitionKey } from "../records/SourceRecord.js";
import { totalOf, type WindowCounts } from "../windows/WindowCounts.js";

/** What happened to a consumed record: the `outcome` label of `dqstream_records_total`. */
export const RECORD_OUTCOMES = ["counted", "skipped", "late", "malformed", "hook_error"] as const;
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/** Destinations the monitor waits for rather than skip (dead letters, report files): the `destination` label of `dqstream_blocked`. */
export const BLOCKING_DESTINATIONS = ["dead_letters", "reports"] as const;
export type BlockingDestination = (typeof BLOCKING_DESTINATIONS)[number];

/**
 * Most distinct `feature` label values `dqstream_violations_total` carries. Features come from the
 * baseline (bounded) but also from the data: every column the baseline does not know is an
 * extra-column violation, so a producer emitting ever-new keys would otherwise grow the series
 * count without bound. The first MAX_FEATURE_LABELS distinct names get their own series; any later
 * new name is counted under feature="__other__" (the per-feature detail stays in the window's
 * constraint_violations.json).
 */
export const MAX_FEATURE_LABELS = 1_000;
export const OTHER_FEATURE = "__other__";

/**
 * Window close latency buckets, in seconds: 1 ms to 60 s, roughly 1-2.5-5 per decade. Closing is
 * computing the checks and writing the reports, which is milliseconds locally and seconds against
 * a slow object store.
 */
export const WINDOW_CLOSE_LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MonitorMetricsOptions {
  /**
   * Also export prom-client's default process metrics (process_cpu_seconds_total,
   * nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds, ...) under their standard names.
   * Default true.
   */
  defaultMetrics?: boolean;
}

/** The violations of a closed window, as far as the metrics care. */
export interface ViolationLike {
  readonly feature_name: string;
  readonly constraint_check_type: CheckType;
}

type PartitionLabels = "topic" | "partition";

/**
 * The monitor's Prometheus metrics, on a registry of its own (not prom-client's global one, so
 * several monitors or tests in one process do not collide). Methods are named after what
 * happened; none of them throws on odd input (a negative count, NaN): telemetry must not take the
 * consumer down, so such values are ignored.
 */
export class MonitorMetrics {
  readonly registry: Registry;

  private readonly records: Counter<"outcome">;
  private readonly recordsConsumed: Counter<PartitionLabels>;
  private readonly windowsClosed: Counter;
  private readonly violations: Counter<"check_type" | "feature">;
  private readonly consumerLag: Gauge<PartitionLabels>;
  private readonly openWindowsGauge: Gauge;
  private readonly eventTimeWatermark: Gauge<PartitionLabels>;
  private readonly windowCloseLatency: Histogram;
  private readonly deadLetters: Counter<"reason">;
  private readonly lastBatch: Gauge;
  private readonly consumerCrashes: Counter;
  private readonly blockedGauge: Gauge<"destination">;
  private readonly deliveryRetries: Counter<"destination">;
  private readonly checkpointsRepaired: Counter;
  private readonly partsRead: Counter;
  private readonly reportingGauge: Gauge;

  /** Feature names that have a series of their own (at most MAX_FEATURE_LABELS). */
  private readonly featureLabels = new Set<string>();

  constructor(options: MonitorMetricsOptions = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.records = new Counter({
      name: "dqstream_records_total",
      help: "Records attributed to windows, by outcome (counted, skipped, late, malformed, hook_error).",
      labelNames: ["outcome"],
      registers,
    });
    // Every outcome is exported from the start, so rate() and absent() work before the first one.
    for (const outcome of RECORD_OUTCOMES) this.records.inc({ outcome }, 0);

    this.recordsConsumed = new Counter({
      name: "dqstream_records_consumed_total",
      help: "Records read from the source, by topic and partition.",
      labelNames: ["topic", "partition"],
      registers,
    });
    this.windowsClosed = new Counter({
      name: "dqstream_windows_closed_total",
      help: "Windows closed (checks evaluated and reports written).",
      registers,
    });
    this.violations = new Counter({
      name: "dqstream_violations_total",
      help: `Constraint violations in closed windows, by check type and feature (at most ${MAX_FEATURE_LABELS} distinct features; later ones are counted as feature="${OTHER_FEATURE}").`,
      labelNames: ["check_type", "feature"],
      registers,
    });
    this.consumerLag = new Gauge({
      name: "dqstream_consumer_lag_messages",
      help: "Consumer lag: the partition's high watermark minus the next offset to consume.",
      labelNames: ["topic", "partition"],
      registers,
    });
    this.openWindowsGauge = new Gauge({
      name: "dqstream_open_windows",
      help: "Windows currently open (accumulating records).",
      registers,
    });
    this.eventTimeWatermark = new Gauge({
      name: "dqstream_event_time_watermark_seconds",
      help: "Event-time watermark of the partition, as a Unix time in seconds.",
      labelNames: ["topic", "partition"],
      registers,
    });
    this.windowCloseLatency = new Histogram({
      name: "dqstream_window_close_latency_seconds",
      help: "Wall-clock time from a window becoming closable to its reports being written.",
      buckets: [...WINDOW_CLOSE_LATENCY_BUCKETS],
      registers,
    });
    this.deadLetters = new Counter({
      name: "dqstream_dead_letters_total",
      help: "Records sent to the dead-letter destination, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.lastBatch = new Gauge({
      name: "dqstream_last_batch_timestamp_seconds",
      help: "Unix time in seconds of the last successfully processed batch (time() minus this is its age; a wedged consumer lets it grow).",
      registers,
    });
    this.consumerCrashes = new Counter({
      name: "dqstream_consumer_crashes_total",
      help: "Times the consumer crashed and was restarted.",
      registers,
    });
    this.blockedGauge = new Gauge({
      name: "dqstream_blocked",
      help: "1 while the monitor waits for a destination it must not skip (dead_letters, reports): nothing is committed meanwhile.",
      labelNames: ["destination"],
      registers,
    });
    for (const destination of BLOCKING_DESTINATIONS) this.blockedGauge.set({ destination }, 0);
    this.deliveryRetries = new Counter({
      name: "dqstream_delivery_retries_total",
      help: "Failed deliveries to a destination the monitor must not skip, each retried with backoff.",
      labelNames: ["destination"],
      registers,
    });
    for (const destination of BLOCKING_DESTINATIONS) this.deliveryRetries.inc({ destination }, 0);
    this.checkpointsRepaired = new Counter({
      name: "dqstream_checkpoints_repaired_total",
      help: "Partitions restored from commit metadata holding implausible times, repaired instead of trusted.",
      registers,
    });
    this.partsRead = new Counter({
      name: "dqstream_parts_read_total",
      help: "Window parts stage 2 read from the parts topic: taken back from this process's stage 1 (same bytes) or decoded.",
      labelNames: ["how"],
      registers,
    });
    for (const how of ["taken", "decoded"]) this.partsRead.inc({ how }, 0);
    this.reportingGauge = new Gauge({
      name: "dqstream_reporting",
      help: "1 while this instance reports the windows (its stage 2 owns the parts topic's partition and has restored its state), else 0: exactly one instance of a group shows 1.",
      registers,
    });
    this.reportingGauge.set(0);
  }

  /** Whether this instance reports the windows now (stage 2 owns the parts topic's partition, restored). */
  reporting(reporting: boolean): void {
    this.reportingGauge.set(reporting ? 1 : 0);
  }

  /** Stage 2 read a window part: `taken` back from this process's stage 1, or `decoded` from the topic. */
  partRead(how: "taken" | "decoded"): void {
    this.partsRead.inc({ how });
  }

  /** Whether the monitor is blocked on `destination` (see BLOCKING_DESTINATIONS). */
  blocked(destination: BlockingDestination, blocked: boolean): void {
    this.blockedGauge.set({ destination }, blocked ? 1 : 0);
  }

  /** A delivery to `destination` failed and will be retried. */
  deliveryRetried(destination: BlockingDestination): void {
    this.deliveryRetries.inc({ destination });
  }

  /** A partition's commit metadata was repaired on restore. */
  checkpointRepaired(): void {
    this.checkpointsRepaired.inc();
  }

  /** prom-client's content type for `text()` (Prometheus text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** All metrics in the Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Adds a window's (or a batch's) record counts to `dqstream_records_total` by outcome. */
  recordOutcomes(counts: WindowCounts): void {
    this.incOutcome("counted", counts.records);
    this.incOutcome("skipped", totalOf(counts.skipped));
    this.incOutcome("late", counts.late);
    this.incOutcome("malformed", totalOf(counts.malformed));
    this.incOutcome("hook_error", totalOf(counts.hook_errors));
  }

  /** A window was closed with these violations, `latencySeconds` after it became closable. */
  windowClosed(violations: readonly ViolationLike[], latencySeconds: number): void {
    this.windowsClosed.inc();
    for (const v of violations) {
      this.violations.inc({ check_type: v.constraint_check_type, feature: this.featureLabel(v.feature_name) });
    }
    if (Number.isFinite(latencySeconds) && latencySeconds >= 0) this.windowCloseLatency.observe(latencySeconds);
  }

  /** `n` records were read from `partition`. */
  consumed(partition: PartitionKey, n: number): void {
    if (isPositive(n)) this.recordsConsumed.inc(partitionLabels(partition), n);
  }

  /** The consumer lag of `partition`: high watermark minus next offset, in messages. */
  lag(partition: PartitionKey, messages: number): void {
    if (Number.isFinite(messages)) this.consumerLag.set(partitionLabels(partition), Math.max(0, messages));
  }

  /** The event-time watermark of `partition`, in epoch milliseconds (exported in seconds). */
  watermark(partition: PartitionKey, ms: number): void {
    if (Number.isFinite(ms)) this.eventTimeWatermark.set(partitionLabels(partition), ms / 1000);
  }

  /** How many windows are open now. */
  openWindows(n: number): void {
    if (Number.isFinite(n) && n >= 0) this.openWindowsGauge.set(n);
  }

  /** A record went to the dead-letter destination. */
  deadLetter(reason: string): void {
    this.deadLetters.inc({ reason });
  }

  /** A batch was processed successfully at `nowMs` (epoch milliseconds). */
  batchDone(nowMs: number): void {
    if (Number.isFinite(nowMs)) this.lastBatch.set(nowMs / 1000);
  }

  /** The consumer crashed (and is being restarted). */
  consumerCrashed(): void {
    this.consumerCrashes.inc();
  }

  /**
   * Removes `partition`'s series (records consumed, lag, watermark) when it is revoked, so a
   * partition now consumed by another instance does not keep exporting a stale lag. Should it
   * come back, its consumed counter restarts at 0, which Prometheus treats as a counter reset.
   */
  dropPartition(partition: PartitionKey): void {
    const labels = partitionLabels(partition);
    this.recordsConsumed.remove(labels);
    this.consumerLag.remove(labels);
    this.eventTimeWatermark.remove(labels);
  }

  private incOutcome(outcome: RecordOutcome, n: number): void {
    if (isPositive(n)) this.records.inc({ outcome }, n);
  }

  /** The `feature` label for `name`, bounded to MAX_FEATURE_LABELS distinct values (see there). */
  private featureLabel(name: string): string {
    if (this.featureLabels.has(name)) return name;
    if (this.featureLabels.size < MAX_FEATURE_LABELS) {
      this.featureLabels.add(name);
      return name;
    }
    return OTHER_FEATURE;
  }
}

function partitionLabels(p: PartitionKey): Record<PartitionLabels, string> {
  return { topic: p.topic, partition: String(p.partition) };
}

/** A count worth adding: finite and above zero (counters cannot go down). */
function isPositive(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}
