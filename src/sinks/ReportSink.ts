import type { ReportStore } from "./reportStore/ReportStore.js";
import type * as z from "zod";
import type { ComponentDefinition } from "../components/Component.js";
import type { Registry } from "prom-client";
import type { LoadedBaseline } from "../baseline/loadBaseline.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { OutgoingMessage } from "../sources/kafka/kafkaClient.js";
import type { Logger } from "../telemetry/logger.js";

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
  /** Rebuilds what the sink keeps of earlier windows from the report store (the monitor's stage 2, when this instance takes over reporting). */
  resync?(): Promise<void>;
  close(): Promise<void>;
}

/** What the report sinks may use besides their own config section. */
export interface ReportSinkContext {
  readonly endpoint: string;
  readonly schedule: string;
  readonly windowMs: number;
  /** Where the reports are written (alerts read the latest back at start). */
  readonly store: ReportStore;
  readonly baseline: LoadedBaseline;
  readonly log: Logger;
  /** The monitor's prom-client registry (absent in replay): sinks register their counters here. */
  readonly registry?: Registry;
  /** Produces to a Kafka topic (monitor only; acks = all). */
  readonly kafkaSend?: (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;
}

/**
 * A report sink component (src/components/registry.ts): from its validated section, the sinks it
 * enables, in a fixed order (none when the section enables none).
 */
export type ReportSinkDefinition<S extends z.ZodType = z.ZodType, Key extends string = string> = ComponentDefinition<
  S,
  ReportSinkContext,
  readonly ReportSink[],
  Key
> & { readonly kind: "report_sink" };
