import { formatPosition } from "../records/SourceRecord.js";
import { DEFAULT_MAX_MESSAGE_BYTES, type KafkaClient, type OutgoingMessage } from "../sources/kafka/kafkaClient.js";
import { BATCH_OVERHEAD_BYTES, messageBytes, produceRequests } from "../sources/kafka/produceRequests.js";
import { deadLetterBytes, type DeadLetter, type DeadLetterSink } from "./DeadLetterSink.js";

/** Header names of a dead letter produced to Kafka. */
export const DEAD_LETTER_HEADERS = {
  reason: "dqstream.reason",
  detail: "dqstream.detail",
  topic: "dqstream.source.topic",
  partition: "dqstream.source.partition",
  offset: "dqstream.source.offset",
  /** Set when the value is only the record's beginning: the record's whole size in bytes. */
  originalBytes: "dqstream.original.bytes",
  /** "true" when the value is only the record's beginning. */
  truncated: "dqstream.truncated",
} as const;

/** A detail header longer than this is cut (details are generated text, never the record). */
const MAX_DETAIL_CHARS = 1024;

/**
 * Dead letters of the monitor: one message per letter on the dead-letter topic, its value the
 * record's bytes exactly as received, its headers the reason, the detail and the source position
 * (which also identify duplicates: the topic is at-least-once). Contract:
 * - a letter too large for the topic (`maxMessageBytes`, its max.message.bytes) is truncated to
 *   fit, with headers giving the original size and that it was truncated (also a record that was
 *   already cut at max_record_bytes), so the broker never refuses one;
 * - letters are produced in requests whose record batch stays within `maxMessageBytes` (the broker
 *   checks the batch of each partition against it), one request after another;
 * - `write` resolves once the broker acknowledged every message (acks = all), so offsets are
 *   committed only after that.
 */
export class KafkaDeadLetterSink implements DeadLetterSink {
  readonly #kafka: Pick<KafkaClient, "send">;
  readonly topic: string;
  readonly maxMessageBytes: number;
  #count = 0;

  constructor(kafka: Pick<KafkaClient, "send">, topic: string, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {
    this.#kafka = kafka;
    this.topic = topic;
    this.maxMessageBytes = maxMessageBytes;
  }

  get description(): string {
    return `dead-letter topic ${this.topic}`;
  }

  get count(): number {
    return this.#count;
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    for (const request of produceRequests(
      letters.map((l) => toMessage(l, this.maxMessageBytes)),
      this.maxMessageBytes,
    ))
      await this.#kafka.send(this.topic, request);
    this.#count += letters.length;
  }

  async close(): Promise<void> {}
}

/** A dead letter as a message that fits in a batch of `maxMessageBytes` (see KafkaDeadLetterSink). */
export function toMessage(l: DeadLetter, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): OutgoingMessage {
  const detail = l.detail.length > MAX_DETAIL_CHARS ? `${l.detail.slice(0, MAX_DETAIL_CHARS)}…` : l.detail;
  const headers: Record<string, string> = { [DEAD_LETTER_HEADERS.reason]: l.reason, [DEAD_LETTER_HEADERS.detail]: detail };
  if ("offset" in l.position) {
    headers[DEAD_LETTER_HEADERS.topic] = l.position.topic;
    headers[DEAD_LETTER_HEADERS.partition] = String(l.position.partition);
    headers[DEAD_LETTER_HEADERS.offset] = l.position.offset;
  }
  const key = formatPosition(l.position);
  let value = deadLetterBytes(l);
  const originalSize = l.originalSize ?? value.length;
  const truncationHeaders = { [DEAD_LETTER_HEADERS.originalBytes]: String(originalSize), [DEAD_LETTER_HEADERS.truncated]: "true" };
  const room = maxMessageBytes - BATCH_OVERHEAD_BYTES - messageBytes({ key, value: "", headers: { ...headers, ...truncationHeaders } });
  if (value.length > room) value = value.subarray(0, Math.max(0, room));
  if (value.length < originalSize) Object.assign(headers, truncationHeaders);
  return { key, value, headers };
}
