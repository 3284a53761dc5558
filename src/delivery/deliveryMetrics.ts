/**
 * Why an item was given up: its last attempt failed (`attempts_exhausted`), the destination
 * refused it for good (`rejected`, e.g. HTTP 400), the queue was full and it was the oldest
 * (`queue_full`), or the run ended first (`shutdown`).
 */
export const FAILURE_REASONS = ["attempts_exhausted", "rejected", "queue_full", "shutdown"] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * Where a DeliveryQueue counts its outcomes, in the destination's unit (alert events, datums).
 * Invariant kept by the queue: every unit pushed is counted exactly once in `delivered` or
 * `failed`; `retried` counts units of failed attempts that will be tried again (a unit may be
 * retried several times); `queued` is the number of items waiting, after every change.
 * Implementations: AlertMetrics.forChannel (src/alerts/alertMetrics.ts) and
 * CloudWatchSinkMetrics (src/sinks/cloudwatch/sinkMetrics.ts), each under its own metric names.
 */
export interface DeliveryMetrics {
  delivered(n: number): void;
  retried(n: number): void;
  failed(reason: FailureReason, n: number): void;
  queued(depth: number): void;
}
