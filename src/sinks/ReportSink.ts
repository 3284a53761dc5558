import type { WindowReport } from "../engine/WindowReport.js";

/**
 * Something told about windows after their report files are durably written: CloudWatch metrics,
 * Embedded Metric Format lines, alerts. Contract:
 * - `publish` is called once per batch of closed windows, in window order, after statistics.json,
 *   constraint_violations.json and window.json exist on disk and after the postprocess hook;
 * - it must return quickly and never throw for a delivery failure: slow or failing destinations
 *   queue, retry, count and log on their own, so they never hold up consumption or reporting;
 * - `close` delivers what it can within its own bounded time and releases resources.
 */
export interface ReportSink {
  /** For logs and metrics labels, e.g. "cloudwatch", "emf", "alerts". */
  readonly name: string;
  publish(reports: readonly WindowReport[]): void;
  close(): Promise<void>;
}
