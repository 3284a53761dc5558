import type { CloudWatchConfig } from "../../config/cloudwatchSchema.js";
import type { ReportSink } from "../ReportSink.js";
import type { ReportSinkContext } from "../reportSinks.js";

/** The CloudWatch API and Embedded Metric Format sinks the config enables (issue 5, in progress). */
export async function cloudWatchSinks(config: CloudWatchConfig | undefined, _ctx: ReportSinkContext): Promise<ReportSink[]> {
  if (config === undefined) return [];
  return [];
}
