import type { Position } from "../sources/Source.js";

/** A record that could not be counted, with why and where it came from. */
export interface DeadLetter {
  reason: string;
  detail: string;
  position: Position;
  /** The record as received. */
  record: string;
}

/**
 * Where dead letters go: JSON lines under the reports folder (replay), or a Kafka topic (monitor).
 * `write` resolves once the letters are durable; offsets are committed only after that.
 */
export interface DeadLetterSink {
  write(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

/** Keeps dead letters in memory: for tests and embedding. */
export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  async write(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
  }
  async close(): Promise<void> {}
}
