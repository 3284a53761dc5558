import * as z from "zod";
import { DashboardSchema, DEFAULT_DASHBOARD } from "../dashboard/dashboardSchema.js";
import { KafkaSchema } from "../sources/kafka/config.js";
import { redactConfig } from "../telemetry/redaction.js";
import { RunConfigSchema } from "./schema.js";

/**
 * `dqstream monitor`'s configuration: the run configuration of replay plus the Kafka consumer, the
 * HTTP server and the monitor's timers. Declared once; strict (unknown keys are errors that name
 * them); units in names.
 */
export const HttpSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1").describe("Address the HTTP server (`/healthz`, `/readyz`, `/metrics`, the dashboard) listens on."),
  port: z.number().int().min(0).max(65_535).default(9464).describe("Its port; 0 picks a free one."),
  dashboard: DashboardSchema.default(DEFAULT_DASHBOARD).describe("The dashboard of this monitor's reports (docs/dashboard.md)."),
});

export const MonitorConfigSchema = RunConfigSchema.extend({
  kafka: KafkaSchema.describe("The Kafka consumer of capture records (and producer of dead letters and Kafka alerts)."),
  http: HttpSchema.default({ host: "127.0.0.1", port: 9464, dashboard: DEFAULT_DASHBOARD }).describe(
    "The HTTP server: `/healthz`, `/readyz`, `/metrics` and the dashboard.",
  ),
  idle_close_seconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(300)
    .describe("Close every open window after this long without records, so a quiet stream still gets its report."),
  max_window_wait_seconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(600)
    .describe(
      "How long the reporting instance waits for every input partition to pass a window's end, counted from the window's first part: then the window is reported incomplete, naming the partitions missing, and corrected when they catch up (docs/design-monitor.md).",
    ),
  max_correctable_windows: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(24)
    .describe("Windows reported incomplete that are kept (parts in memory) for their correction; past this the oldest is given up."),
  shutdown_timeout_seconds: z
    .number()
    .int()
    .min(1)
    .max(600)
    .default(30)
    .describe("On SIGTERM/SIGINT: finish the batch in hand, commit what is safe, exit within this time."),
});

export type MonitorConfig = z.output<typeof MonitorConfigSchema>;

export { KafkaSchema };

/** A copy of a monitor configuration for logging, its secret and unlogged values replaced (see ConfigKeyMeta). */
export function redact(config: unknown): unknown {
  return redactConfig(config, MonitorConfigSchema);
}
