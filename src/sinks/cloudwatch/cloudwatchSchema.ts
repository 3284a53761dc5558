import * as z from "zod";
import { retryPolicyFields } from "../../delivery/schema.js";
import type { ConfigSection } from "../../components/Component.js";
import { FilePath } from "../../config/pathSchema.js";

/**
 * The `cloudwatch` section: CloudWatch metrics through the PutMetricData API and/or as Embedded
 * Metric Format log lines (docs/cloudwatch.md). Strict like every section; units in names.
 *
 * Feature metrics (SageMaker Model Monitor's names) go out only when the sink is enabled here AND
 * the baseline constraints' `monitoring_config.emit_metrics` is Enabled for the feature (per-feature
 * overrides win; absent means Enabled, the analyzer container's default). dqstream's own per-window
 * metrics follow `own_metrics` only.
 */

/**
 * CloudWatch namespace: 1–255 characters, ASCII letters, digits and `. - _ / # : space`, not
 * starting with a colon, and not `AWS/…` (reserved for AWS services). Sources: API Reference,
 * PutMetricData (Namespace) and MetricDatum.
 */
const Namespace = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.\-_/#: ]+$/, "expected ASCII letters, digits, '.', '-', '_', '/', '#', ':' or spaces")
  .refine((s) => !s.startsWith(":"), "must not start with ':'")
  .refine((s) => !s.startsWith("AWS/"), "namespaces starting with 'AWS/' are reserved for AWS services");

/** Dimension name: 1–255 ASCII characters, at least one non-blank, not starting with ':' (API Reference, Dimension). */
const DimensionName = z
  .string()
  .min(1)
  .max(255)

  .regex(/^[\x20-\x7e]+$/, "expected printable ASCII characters")
  .refine((s) => s.trim() !== "" && !s.startsWith(":"), "expected a non-blank name not starting with ':'");

const DEFAULT_DIMENSIONS = { endpoint: "Endpoint", schedule: "MonitoringSchedule" } as const;

export const EmfSchema = z.strictObject({
  enabled: z.boolean().default(false).describe("Write Embedded Metric Format lines (default false)."),
  path: FilePath.default("-").describe(
    'Where: "-" is standard output (default); anything else a file appended to, relative to the config file\'s folder (as every path in a config file). One JSON object per line.',
  ),
});

export const AlarmsSchema = z.strictObject({
  name_prefix: z.string().max(100).default("dqstream-").describe("Alarm names are `<name_prefix><endpoint>-<schedule>-feature_baseline_drift_<feature>`."),
  evaluation_periods: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(1)
    .describe("Consecutive windows looked at; the alarm fires when `datapoints_to_alarm` of them breach."),
  datapoints_to_alarm: z.number().int().min(1).max(100).optional().describe("Default: evaluation_periods (every window looked at must breach)."),
  sns_topic_arn: z
    .string()
    .regex(/^arn:[^:]+:sns:[^:]*:\d*:.+$/, "expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)")
    .optional()
    .describe("ARN of an SNS topic notified on ALARM (and on OK, when `ok_actions` is true)."),
  ok_actions: z.boolean().default(false).describe("Also notify the topic when an alarm returns to OK (default false)."),
});

export const CloudWatchSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Publish through the PutMetricData API (default false: a section with only `emf` writes logs only)."),
    namespace: Namespace.default("aws/sagemaker/Endpoints/data-metrics").describe(
      "Namespace of the feature metrics (default SageMaker's real-time one, as AWS's own alarms use).",
    ),
    dimensions: z
      .strictObject({
        endpoint: DimensionName.default(DEFAULT_DIMENSIONS.endpoint).describe("Name of the dimension holding the config's `endpoint` (SageMaker's: Endpoint)."),
        schedule: DimensionName.default(DEFAULT_DIMENSIONS.schedule).describe(
          "Name of the dimension holding the config's `schedule` (SageMaker's: MonitoringSchedule).",
        ),
      })
      .default(DEFAULT_DIMENSIONS)
      .describe("Dimension names; the values are the config's `endpoint` and `schedule`."),
    own_metrics: z
      .boolean()
      .default(true)
      .describe("dqstream's own per-window metrics: records counted, skipped, late, malformed; violations by check type (default true)."),
    own_namespace: Namespace.default("dqstream").describe('Their namespace (default "dqstream").'),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, "expected a region name such as us-east-1")
      .optional()
      .describe("AWS region (default: the SDK's chain: AWS_REGION, then the shared config profile)."),
    endpoint_url: z
      .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
      .optional()
      .describe("Endpoint override, e.g. a VPC interface endpoint or an emulator (default: the region's public endpoint)."),
    request_timeout_ms: z.number().int().min(100).max(120_000).default(5_000).describe("One PutMetricData attempt is abandoned after this long."),
    /**
     * Attempts per request, the first included, on throttling, 5xx, timeouts and network errors;
     * the backoff before retry n is uniform in [0, min(backoff_max_ms, backoff_initial_ms·2^(n-1))) (src/delivery/).
     */
    ...retryPolicyFields({
      max_attempts: 5,
      backoff_initial_ms: 200,
      backoff_max_ms: 20_000,
      max_attempts_limit: 20,
      backoff_initial_ms_limit: 60_000,
      backoff_max_ms_limit: 600_000,
    }),
    queue_max_datums: z
      .number()
      .int()
      .min(1_000)
      .max(10_000_000)
      .default(100_000)
      .describe("Datums waiting to be sent; beyond this the oldest are dropped and counted (~ 40 MB at the default)."),
    close_timeout_ms: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(10_000)
      .describe("On shutdown, keep sending the queue for at most this long; what is left is dropped and counted."),
    emf: EmfSchema.default({ enabled: false, path: "-" }).describe("Embedded Metric Format lines (docs/cloudwatch.md)."),
    alarms: AlarmsSchema.default({ name_prefix: "dqstream-", evaluation_periods: 1, ok_actions: false }).describe("`dqstream alarms` settings."),
  })
  .refine((c) => c.backoff_initial_ms <= c.backoff_max_ms, {
    message: "backoff_initial_ms must not exceed backoff_max_ms",
    path: ["backoff_initial_ms"],
  })
  .refine((c) => c.alarms.datapoints_to_alarm === undefined || c.alarms.datapoints_to_alarm <= c.alarms.evaluation_periods, {
    message: "datapoints_to_alarm must not exceed evaluation_periods",
    path: ["alarms", "datapoints_to_alarm"],
  });

export type CloudWatchConfig = z.output<typeof CloudWatchSchema>;
export type CloudWatchConfigInput = z.input<typeof CloudWatchSchema>;

/** Where the section sits in the run configuration (src/config/schema.ts composes it). */
export const cloudWatchSection = {
  configKey: "cloudwatch",
  schema: CloudWatchSchema.describe("CloudWatch metrics (API and Embedded Metric Format); docs/cloudwatch.md."),
} as const satisfies ConfigSection;
