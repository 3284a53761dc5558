import * as z from "zod";
import { backoffInOrder, retryPolicyFields } from "../delivery/schema.js";
import { secret, type ConfigSection } from "../components/Component.js";

/**
 * The `alerts` section: when a violation becomes an alert (lifecycle) and where alerts go
 * (channels). Strict objects, units in names, defaults stated here and in docs/alerts.md.
 */

/** An HTTP header name (RFC 9110 token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");

/** An absolute http:// or https:// URL with a host (WHATWG URL parsing, as fetch does). */
const HttpUrl = z.string().refine(
  (s) => {
    if (!URL.canParse(s) || !/^https?:\/\/[^/]/i.test(s)) return false;
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  },
  { error: "expected an http:// or https:// URL with a host" },
);

/** Retrying delivery to one destination (src/delivery/schema.ts); the queue bound is counted in alerts. */
const deliveryFields = {
  ...retryPolicyFields({
    max_attempts: 5,
    backoff_initial_ms: 500,
    backoff_max_ms: 30_000,
    max_attempts_limit: 100,
    backoff_initial_ms_limit: 600_000,
    backoff_max_ms_limit: 3_600_000,
  }),
  max_queued_events: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1_000)
    .describe("Alerts waiting for this destination; when full, the oldest waiting one is dropped and counted as failed."),
};

export const WebhookSchema = backoffInOrder(
  z.strictObject({
    url: secret(HttpUrl).describe("http(s) URL the alert is POSTed to. It often holds a secret (Slack's do): it is never logged, only its origin."),
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'")
      .optional()
      .describe("Label of the channel in logs and metrics (`webhook:<name>`); default: the webhook's index in the list."),
    format: z
      .enum(["json", "slack"])
      .default("json")
      .describe('`json`: the alert event itself; `slack`: `{"text": …}` for Slack incoming webhooks and look-alikes (Mattermost, Teams workflows).'),
    timeout_ms: z.number().int().min(1).max(600_000).default(5_000).describe("Per attempt: connecting, sending and reading the response."),
    headers: secret(z.record(HeaderName, z.string())).default({}).describe("Extra request headers, e.g. Authorization. Never logged."),
    ...deliveryFields,
  }),
);

export const KafkaAlertsSchema = backoffInOrder(
  z.strictObject({
    topic: z
      .string()
      .min(1)
      .max(249)
      .regex(/^[A-Za-z0-9._-]+$/, "expected a Kafka topic name (letters, digits, '.', '_' or '-')")
      .describe("Topic the alerts are produced to (key = fingerprint, so a compacted topic keeps each fingerprint's latest state)."),
    ...deliveryFields,
    max_attempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe(
        "Attempts per alert, the first included (each attempt is itself retried by the Kafka client); after the last one the alert is counted as failed and logged.",
      ),
  }),
);

export const LifecycleSchema = z
  .strictObject({
    open_after_violating_windows: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(1)
      .describe("N: an alert opens when at least N of the last M windows violate the fingerprint's check."),
    of_last_windows: z.number().int().min(1).max(1_000).default(1).describe("M, the windows counted for opening (windows with data, in window order)."),
    repeat_interval_seconds: z
      .number()
      .int()
      .min(1)
      .max(366 * 86_400)
      .default(14_400)
      .describe(
        "While open, a violating window sends a `repeat` when at least this much event time (window start to window start) passed since the last open or repeat. Default 4 h (Alertmanager's repeat_interval); set it to window_seconds to repeat on every violating window.",
      ),
    resolve_after_clean_windows: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(1)
      .describe("K: an open alert resolves after K windows in a row without the violation."),
    rebuild_windows: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(1_000)
      .describe("At start, the lifecycle is replayed over at most this many of the latest reports on disk."),
  })
  .refine((l) => l.open_after_violating_windows <= l.of_last_windows, {
    message: "open_after_violating_windows (N) must not exceed of_last_windows (M)",
    path: ["open_after_violating_windows"],
  })
  .refine((l) => l.rebuild_windows >= Math.max(l.of_last_windows, l.resolve_after_clean_windows), {
    message: "rebuild_windows must be at least of_last_windows and resolve_after_clean_windows",
    path: ["rebuild_windows"],
  });

export const LIFECYCLE_DEFAULTS: LifecycleConfig = {
  open_after_violating_windows: 1,
  of_last_windows: 1,
  repeat_interval_seconds: 14_400,
  resolve_after_clean_windows: 1,
  rebuild_windows: 1_000,
};

export const ChannelsSchema = z
  .strictObject({
    log: z.boolean().default(true).describe("Each alert as one log line (warn for open and repeat, info for resolved)."),
    webhooks: z.array(WebhookSchema).max(100).default([]).describe("HTTP destinations, JSON or Slack (docs/alerts.md)."),
    kafka: KafkaAlertsSchema.optional().describe("Needs `dqstream monitor` (its Kafka producer); replay refuses to start with it."),
  })
  .refine((c) => new Set(c.webhooks.map((w, i) => w.name ?? String(i))).size === c.webhooks.length, {
    message: "webhook names must be unique (a webhook without a name is named after its index)",
    path: ["webhooks"],
  });

export const AlertsSchema = z.strictObject({
  lifecycle: LifecycleSchema.default(LIFECYCLE_DEFAULTS).describe("When a violation becomes an alert, repeats and resolves (docs/alerts.md)."),
  channels: ChannelsSchema.default({ log: true, webhooks: [] }).describe("Where alerts go."),
  close_timeout_ms: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(10_000)
    .describe("When the run ends, queued alerts get this long to be delivered; the rest are counted as failed."),
});

export type AlertsConfig = z.output<typeof AlertsSchema>;
export type LifecycleConfig = z.output<typeof LifecycleSchema>;
export type WebhookConfig = z.output<typeof WebhookSchema>;
export type KafkaAlertsConfig = z.output<typeof KafkaAlertsSchema>;

/** Where the section sits in the run configuration (src/config/schema.ts composes it). */
export const alertsSection = {
  configKey: "alerts",
  schema: AlertsSchema.describe("Real-time alerts on violations; docs/alerts.md."),
} as const satisfies ConfigSection;
