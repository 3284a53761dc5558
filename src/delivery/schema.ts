import * as z from "zod";

/**
 * The delivery keys every delivering config section shares (alert webhooks, the Kafka alert
 * channel, cloudwatch): one spelling since 0.3 (docs/deployment.md, Upgrading).
 * Each section keeps its own defaults and upper bounds; what the keys mean is src/delivery/retryPolicy.ts.
 * Queue bounds stay per section, named in their unit (max_queued_events, queue_max_datums).
 */
export interface RetryPolicyDefaults {
  readonly max_attempts: number;
  readonly backoff_initial_ms: number;
  readonly backoff_max_ms: number;
  /** Upper bounds of the three keys. */
  readonly max_attempts_limit: number;
  readonly backoff_initial_ms_limit: number;
  readonly backoff_max_ms_limit: number;
}

/** The zod fields of a RetryPolicy, to spread into a section's strict object. */
export function retryPolicyFields(d: RetryPolicyDefaults) {
  return {
    max_attempts: z
      .number()
      .int()
      .min(1)
      .max(d.max_attempts_limit)
      .default(d.max_attempts)
      .describe("Attempts per item, the first included; after the last one the item is counted as failed and logged."),
    backoff_initial_ms: z
      .number()
      .int()
      .min(1)
      .max(d.backoff_initial_ms_limit)
      .default(d.backoff_initial_ms)
      .describe("Cap of the wait before the first retry; it doubles per retry up to backoff_max_ms, the wait uniform below it (full jitter)."),
    backoff_max_ms: z
      .number()
      .int()
      .min(1)
      .max(d.backoff_max_ms_limit)
      .default(d.backoff_max_ms)
      .describe("Largest cap of a wait between attempts; also the most a destination's Retry-After is honoured."),
  };
}

/** A section's schema with the check that backoff_initial_ms ≤ backoff_max_ms, reported on backoff_initial_ms. */
export function backoffInOrder<T extends { backoff_initial_ms: number; backoff_max_ms: number }>(schema: z.ZodType<T>) {
  return schema.refine((d) => d.backoff_initial_ms <= d.backoff_max_ms, {
    message: "backoff_initial_ms must not exceed backoff_max_ms",
    path: ["backoff_initial_ms"],
  });
}
