import type * as z from "zod";
import type { ComponentDefinition } from "../../components/Component.js";
import type { Logger } from "../../telemetry/logger.js";
import type { AlertChannel } from "../AlertChannel.js";
import type { AlertMetrics } from "../alertMetrics.js";
import type { KafkaSend } from "../kafkaChannel.js";

/** What the alert channels may use besides their own config section. */
export interface AlertChannelContext {
  readonly metrics: AlertMetrics;
  readonly log: Logger;
  /** Produces to a Kafka topic (monitor only; acks = all). */
  readonly kafkaSend?: KafkaSend;
}

/**
 * An alert channel component (src/alerts/channels/registry.ts): from its validated key under
 * `alerts.channels`, the channels it enables, in a fixed order (none when it enables none). It may
 * throw a ConfigError when the run cannot serve it (the Kafka channel in replay).
 */
export type AlertChannelDefinition<S extends z.ZodType = z.ZodType, Key extends string = string> = ComponentDefinition<
  S,
  AlertChannelContext,
  readonly AlertChannel[],
  Key
> & { readonly kind: "alert_channel" };
