import type { Position } from "../records/SourceRecord.js";

/**
 * What a partition's windows must know about records read more than once. A source that resumes
 * from a checkpoint (Kafka: the first offset of the oldest open window) re-reads records it
 * processed before the restart; each must be classified as it was the first time (late or not,
 * counted in a window already reported or not), and that depends on how far windows were closed
 * when it was first processed — windows close between batches, by other partitions' watermarks or
 * the idle close, so this is not a function of the partition's own records. The source keeps that
 * history (src/sources/kafka/restartLedger.ts) and the windows consult it; a source whose records
 * are read once (files) has none, and every record then sees the partition's current state.
 */
export interface ReadHistory {
  /** A record at `position` is about to be handled; `closedUpToMs` is its partition's value now. */
  seen(position: Position, closedUpToMs: number): void;
  /** The partition's closedUpToMs advanced: the records read from now on see this value. */
  closed(closedUpToMs: number): void;
  /**
   * For a record processed before the restart the partition was restored from: how far its
   * partition's windows were closed when it was first processed. Undefined for any other record.
   */
  closedWhenFirstRead(position: Position | undefined): number | undefined;
  /**
   * For a record processed before the restart: how far windows were closed (and reported) at the
   * restart. Undefined for any other record.
   */
  closedAtRestart(position: Position | undefined): number | undefined;
}
