import type { ReportSinkDefinition } from "../sinks/ReportSink.js";
import { alertsSection } from "./alertsSchema.js";
import { alertSinks } from "./index.js";

/** Real-time alerts: the alert sink (lifecycle and the channels of src/alerts/channels/registry.ts). */
export const alertReportSinks = {
  kind: "report_sink",
  name: "alerts",
  ...alertsSection,
  create: (config, ctx) => alertSinks(config, ctx),
} as const satisfies ReportSinkDefinition<typeof alertsSection.schema, "alerts">;
