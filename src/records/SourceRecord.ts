/**
 * Where captured records come from. A source delivers records of one or more partitions; within a
 * partition, records arrive in position order (file line, Kafka offset).
 */

/** A partition of the input: a Kafka topic partition, or the single partition of a replay. */
export interface PartitionKey {
  readonly topic: string;
  readonly partition: number;
}

/** Where a record was read: a file and line, or a topic, partition and offset. */
export type Position = { readonly file: string; readonly line: number } | { readonly topic: string; readonly partition: number; readonly offset: string };

export interface SourceRecord {
  readonly partition: PartitionKey;
  readonly position: Position;
  /** One capture record as JSON text ("" when `unreadable`). */
  readonly value: string;
  /**
   * The record's bytes exactly as received (a whole Kafka message, or one line of a file or of a
   * JSON Lines message); for a record over max_record_bytes, only its first bytes. Dead letters
   * carry these, so a record can be re-processed as it was. Absent: the bytes are `value`'s UTF-8.
   */
  readonly bytes?: Buffer;
  /** The record's whole size in bytes (more than `bytes.length` when only its beginning was kept). */
  readonly size?: number;
  /** Why the source could not read the record as text (too large, not UTF-8): dead-lettered as such. */
  readonly unreadable?: { readonly reason: string; readonly detail: string };
  /** The source's timestamp (Kafka message time), used when the record has no inference time. */
  readonly timestampMs?: number;
}

export function partitionId(p: PartitionKey): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** Total order of partitions (topic, then partition number): the order partition states merge in. */
export function comparePartitions(a: PartitionKey, b: PartitionKey): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A partition as people and dqstream's own messages name it: `topic@partition`. */
export function partitionName(p: PartitionKey): string {
  return `${p.topic}@${p.partition}`;
}

export function formatPosition(p: Position): string {
  return "file" in p ? `${p.file}:${p.line}` : `${p.topic}[${p.partition}]@${p.offset}`;
}
