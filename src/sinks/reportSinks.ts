import type { Registry } from "prom-client";
import type { LoadedBaseline } from "../baseline/loadBaseline.js";
import type { RunConfig } from "../config/schema.js";
import { alertSinks } from "../alerts/index.js";
import type { OutgoingMessage } from "../sources/kafkaSource.js";
import type { Logger } from "../telemetry/logger.js";
import { cloudWatchSinks } from "./cloudwatch/index.js";
import type { ReportSink } from "./ReportSink.js";

/** What the report sinks may use besides their own config section. */
export interface ReportSinkContext {
  readonly endpoint: string;
  readonly schedule: string;
  readonly windowMs: number;
  readonly reportsDir: string;
  readonly baseline: LoadedBaseline;
  readonly log: Logger;
  /** The monitor's prom-client registry (absent in replay): sinks register their counters here. */
  readonly registry?: Registry;
  /** Produces to a Kafka topic (monitor only; acks = all). */
  readonly kafkaSend?: (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;
}

/** Every sink the config asks for, in a fixed order: CloudWatch / EMF first, then alerts. */
export async function createReportSinks(config: RunConfig, ctx: ReportSinkContext): Promise<ReportSink[]> {
  return [...(await cloudWatchSinks(config.cloudwatch, ctx)), ...(await alertSinks(config.alerts, ctx))];
}
