import { ConfigError } from "../../../config/loadConfig.js";
import { ChannelsSchema } from "../../alertsSchema.js";
import { kafkaChannel } from "../../kafkaChannel.js";
import type { AlertChannelDefinition } from "../definition.js";

const KafkaAlerts = ChannelsSchema.shape.kafka;

/** Alerts produced to `alerts.channels.kafka.topic` (kafkaChannel), through the monitor's producer; replay has none. */
export const kafkaChannels = {
  kind: "alert_channel",
  name: "kafka",
  configKey: "alerts.channels.kafka",
  schema: KafkaAlerts,
  create: (config, ctx) => {
    if (config === undefined) return [];
    if (ctx.kafkaSend === undefined) {
      throw new ConfigError(
        "alerts.channels.kafka: the Kafka alert channel needs `dqstream monitor` (its Kafka producer); `dqstream replay` has none. Remove alerts.channels.kafka from the replay config.",
      );
    }
    return [kafkaChannel(config, ctx.kafkaSend, ctx.metrics, ctx.log)];
  },
} as const satisfies AlertChannelDefinition<typeof KafkaAlerts, "alerts.channels.kafka">;
