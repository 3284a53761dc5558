import { Counter, Gauge, Registry } from "prom-client";
import type { DeliveryMetrics, FailureReason } from "../../delivery/deliveryMetrics.js";

/** Why datums never reached CloudWatch: the `reason` label of dqstream_cloudwatch_datums_dropped_total. */
export const DROP_REASONS = [
  "queue_full",
  "retries_exhausted",
  "rejected",
  "shutdown",
  "invalid_name",
  "invalid_dimensions",
  "invalid_value",
  "timestamp_out_of_range",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const REQUEST_OUTCOMES = ["ok", "throttled", "server", "timeout", "network", "rejected"] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/**
 * The CloudWatch and EMF sinks' Prometheus metrics, on the monitor's registry when there is one
 * (replay has none: a private registry then, still read by the sinks' logs and tests). A metric
 * already registered under the same name (a second pipeline on one registry) is reused, not
 * registered twice. Totals are also kept as plain numbers for the close-time log line. As the
 * publisher's DeliveryMetrics (src/delivery/) it counts datums; the delivery reason
 * `attempts_exhausted` keeps its 0.2 label `retries_exhausted` here, so dashboards and alarms on
 * dqstream_cloudwatch_datums_dropped_total still match.
 */
export class CloudWatchSinkMetrics implements DeliveryMetrics {
  readonly registry: Registry;
  readonly #sent: Counter;
  readonly #dropped: Counter<"reason">;
  readonly #requests: Counter<"outcome">;
  readonly #queue: Gauge;
  readonly #retried: Counter;
  readonly #emfEvents: Counter;
  readonly #emfErrors: Counter;
  sentTotal = 0;
  readonly droppedTotal: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  constructor(registry?: Registry) {
    this.registry = registry ?? new Registry();
    const r = this.registry;
    this.#sent = counter(r, "dqstream_cloudwatch_datums_sent_total", "Datums CloudWatch accepted (PutMetricData).", []);
    this.#dropped = counter(r, "dqstream_cloudwatch_datums_dropped_total", `Datums given up, by reason (${DROP_REASONS.join(", ")}).`, ["reason"]);
    for (const reason of DROP_REASONS) this.#dropped.inc({ reason }, 0);
    this.#requests = counter(r, "dqstream_cloudwatch_requests_total", `PutMetricData attempts, by outcome (${REQUEST_OUTCOMES.join(", ")}).`, ["outcome"]);
    this.#retried = counter(r, "dqstream_cloudwatch_datums_retried_total", "Datums of failed PutMetricData attempts that are tried again.", []);
    this.#queue = gauge(r, "dqstream_cloudwatch_queue_datums", "Datums waiting to be sent to CloudWatch.");
    this.#emfEvents = counter(r, "dqstream_emf_events_written_total", "Embedded Metric Format log events written.", []);
    this.#emfErrors = counter(
      r,
      "dqstream_emf_write_errors_total",
      "Embedded Metric Format write errors, plus events not written because the file had failed.",
      [],
    );
  }

  sent(n: number): void {
    this.sentTotal += n;
    this.#sent.inc(n);
  }

  dropped(reason: DropReason, n: number): void {
    if (n <= 0) return;
    this.droppedTotal[reason] += n;
    this.#dropped.inc({ reason }, n);
  }

  delivered(n: number): void {
    this.sent(n);
  }

  retried(n: number): void {
    if (n > 0) this.#retried.inc(n);
  }

  failed(reason: FailureReason, n: number): void {
    this.dropped(reason === "attempts_exhausted" ? "retries_exhausted" : reason, n);
  }

  request(outcome: RequestOutcome): void {
    this.#requests.inc({ outcome });
  }

  queued(n: number): void {
    this.#queue.set(n);
  }

  emfWritten(n: number): void {
    this.#emfEvents.inc(n);
  }

  emfFailed(n: number): void {
    this.#emfErrors.inc(n);
  }

  get droppedSum(): number {
    return Object.values(this.droppedTotal).reduce((a, b) => a + b, 0);
  }
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) return existing as Gauge;
  return new Gauge({ name, help, registers: [registry] });
}
