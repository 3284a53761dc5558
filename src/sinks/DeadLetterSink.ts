import type { Position } from "../records/SourceRecord.js";

/** A record that could not be counted, with why and where it came from. */
export interface DeadLetter {
  reason: string;
  detail: string;
  position: Position;
  /** The record as text ("" for one that is not UTF-8 text or is over max_record_bytes). */
  record: string;
  /**
   * The record's bytes exactly as received (see SourceRecord.bytes); for a record over
   * max_record_bytes only its first bytes. Absent: `record`'s UTF-8 bytes.
   */
  bytes?: Buffer;
  /** The record's whole size in bytes, when `bytes` holds only its beginning. */
  originalSize?: number;
}

/** A dead letter's bytes: exactly what was received (or its beginning, see `originalSize`). */
export function deadLetterBytes(l: DeadLetter): Buffer {
  return l.bytes ?? Buffer.from(l.record, "utf8");
}

/**
 * Where dead letters go: JSON lines under the reports folder (replay), or a Kafka topic (monitor).
 * `write` resolves once the letters are durable; offsets are committed only after that.
 */
export interface DeadLetterSink {
  /** Where the letters go, for people: "dead-letter file <path>", "dead-letter topic <name>". */
  readonly description: string;
  /** Letters written (durably) so far. */
  readonly count: number;
  write(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

/** Keeps dead letters in memory: for tests and embedding. */
export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  readonly description = "memory";
  get count(): number {
    return this.letters.length;
  }
  write(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
