import { ConfigError } from "../../../config/loadConfig.js";
import { KafkaSchema } from "../../../sources/kafka/config.js";
import { KafkaDeadLetterSink } from "../../kafkaDeadLetterSink.js";
import type { DeadLetterSinkDefinition } from "../definition.js";

const DeadLetterTopic = KafkaSchema.shape.dead_letter_topic;

/** The monitor's dead letters: one message per letter on `kafka.dead_letter_topic` (KafkaDeadLetterSink), through the run's producer. */
export const kafkaDeadLetters = {
  kind: "dead_letter_sink",
  name: "kafka",
  configKey: "kafka.dead_letter_topic",
  schema: DeadLetterTopic,
  create: (topic, ctx) => {
    if (ctx.kafka === undefined) throw new ConfigError("kafka.dead_letter_topic: the Kafka dead-letter sink needs `dqstream monitor` (its Kafka producer)");
    return new KafkaDeadLetterSink(ctx.kafka, topic, ctx.maxMessageBytes);
  },
} as const satisfies DeadLetterSinkDefinition<typeof DeadLetterTopic, "kafka.dead_letter_topic">;
