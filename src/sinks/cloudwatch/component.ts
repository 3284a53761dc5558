import type { ReportSinkDefinition } from "../ReportSink.js";
import { cloudWatchSection } from "./cloudwatchSchema.js";
import { cloudWatchSinks } from "./index.js";

/** CloudWatch metrics: the PutMetricData sink (`cloudwatch.enabled`), then the Embedded Metric Format sink (`cloudwatch.emf.enabled`). */
export const cloudWatchReportSinks = {
  kind: "report_sink",
  name: "cloudwatch",
  ...cloudWatchSection,
  create: (config, ctx) => cloudWatchSinks(config, ctx),
} as const satisfies ReportSinkDefinition<typeof cloudWatchSection.schema, "cloudwatch">;
