import { formatPosition } from "../sources/Source.js";
import type { KafkaSource, OutgoingMessage } from "../sources/kafkaSource.js";
import type { DeadLetter, DeadLetterSink } from "./DeadLetterSink.js";

/** Header names of a dead letter produced to Kafka. */
export const DEAD_LETTER_HEADERS = {
  reason: "dqstream.reason",
  detail: "dqstream.detail",
  topic: "dqstream.source.topic",
  partition: "dqstream.source.partition",
  offset: "dqstream.source.offset",
} as const;

/**
 * Dead letters of the monitor: one message per letter on the dead-letter topic, its value the
 * record as received, its headers the reason, the detail and the source position (which also
 * identify duplicates: the topic is at-least-once). `write` resolves once the broker acknowledged
 * every message (acks = all), so offsets are committed only after that.
 */
export class KafkaDeadLetterSink implements DeadLetterSink {
  readonly #kafka: Pick<KafkaSource, "send">;
  readonly topic: string;
  #count = 0;

  constructor(kafka: Pick<KafkaSource, "send">, topic: string) {
    this.#kafka = kafka;
    this.topic = topic;
  }

  get count(): number {
    return this.#count;
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#kafka.send(this.topic, letters.map(toMessage));
    this.#count += letters.length;
  }

  async close(): Promise<void> {}
}

export function toMessage(l: DeadLetter): OutgoingMessage {
  const headers: Record<string, string> = { [DEAD_LETTER_HEADERS.reason]: l.reason, [DEAD_LETTER_HEADERS.detail]: l.detail };
  if ("offset" in l.position) {
    headers[DEAD_LETTER_HEADERS.topic] = l.position.topic;
    headers[DEAD_LETTER_HEADERS.partition] = String(l.position.partition);
    headers[DEAD_LETTER_HEADERS.offset] = l.position.offset;
  }
  return { key: formatPosition(l.position), value: l.record, headers };
}
