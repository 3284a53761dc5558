import type * as z from "zod";
import type { ComponentDefinition } from "../../components/Component.js";
import type { KafkaClient } from "../../sources/kafka/kafkaClient.js";
import type { DeadLetterSink } from "../DeadLetterSink.js";
import type { ReportStore } from "../reportStore/ReportStore.js";

/** What the dead-letter sinks may use besides their own config section. */
export interface DeadLetterSinkContext {
  /** Where the run's reports go (replay writes its dead-letter file there). */
  readonly store: ReportStore;
  readonly endpoint: string;
  readonly schedule: string;
  /** Produces to a Kafka topic (monitor only; acks = all). */
  readonly kafka?: Pick<KafkaClient, "send">;
  /** The dead-letter topic's max.message.bytes, when known (monitor). */
  readonly maxMessageBytes?: number;
}

/**
 * A dead-letter sink component (src/components/registry.ts): the one sink a run writes its dead
 * letters to, chosen by the command (replay: file, monitor: kafka). Its config key names a key the
 * run configuration already declares (it reads, it does not add a section).
 */
export type DeadLetterSinkDefinition<S extends z.ZodType = z.ZodType, Key extends string = string> = ComponentDefinition<
  S,
  DeadLetterSinkContext,
  DeadLetterSink,
  Key
> & { readonly kind: "dead_letter_sink" };
