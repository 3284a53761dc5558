import type { AlertsConfig } from "../config/alertsSchema.js";
import type { ReportSink } from "../sinks/ReportSink.js";
import type { ReportSinkContext } from "../sinks/reportSinks.js";

/** The alert sink the config enables (issue 5, in progress). */
export async function alertSinks(config: AlertsConfig | undefined, _ctx: ReportSinkContext): Promise<ReportSink[]> {
  if (config === undefined) return [];
  return [];
}
