import type { RunConfig } from "../config/schema.js";
import { alertSinks } from "../alerts/index.js";
import { cloudWatchSinks } from "./cloudwatch/index.js";
import type { ReportSink, ReportSinkContext } from "./ReportSink.js";

/** Every sink the config asks for, in a fixed order: CloudWatch / EMF first, then alerts. */
export async function createReportSinks(config: RunConfig, ctx: ReportSinkContext): Promise<ReportSink[]> {
  return [...(await cloudWatchSinks(config.cloudwatch, ctx)), ...(await alertSinks(config.alerts, ctx))];
}
