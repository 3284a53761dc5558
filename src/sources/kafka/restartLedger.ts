import type { PartitionKey, Position } from "../../records/SourceRecord.js";
import type { ReadHistory } from "../../windows/ReadHistory.js";
import type { WindowManager } from "../../windows/WindowManager.js";

/** What a commit's metadata records about a partition (docs/design-monitor.md). */
export interface PartitionCheckpoint {
  /** The partition's greatest event time before the commit offset (−∞ when none). */
  readonly maxEventMs: number;
  /** Windows ending at or before this are closed (−∞ when none). */
  readonly closedUpToMs: number;
  /**
   * The offset after the last record processed (≥ the commit offset). Absent in metadata written
   * before it existed: every re-read record then counts as processed with `closedUpToMs` unknown.
   */
  readonly processedTo?: string;
  /** `[from offset, closed up to ms]` for the processed records from the commit offset on (see PartitionLedger.closes). */
  readonly closes?: ReadonlyArray<readonly [string, number]>;
}

/** "Every offset": metadata without `processed_to` treats every re-read record as processed. */
const MAX_OFFSET = 2n ** 63n;

interface Restored {
  /** Records before this offset were processed before the restart. */
  readonly processedTo: bigint;
  /** Windows ending at or before this were closed (and reported) before the restart. */
  readonly closedUpToMs: number;
  /** The `closes` history of the processed records since the commit offset. */
  readonly closes: ReadonlyArray<readonly [bigint, number]>;
}

/**
 * A Kafka partition's read history (see ReadHistory): the offset after the last record seen, and
 * `closes`, entries `[from offset, closed up to ms]`, each applying to the records from its offset
 * to the next entry's — how far windows were closed when those records were FIRST processed. The
 * entries since the commit offset go into the commit's metadata, and records re-read after a
 * restart are classified with them (docs/design-monitor.md). Offsets are Kafka's: decimal strings
 * below 2^63.
 *
 * Invariant: a record's entry never changes once it was first processed. After a restart, the
 * records before the restored `processedTo` were first processed by an earlier run, so windows
 * closing while they are re-read apply from `processedTo` on (the first record this run reads for
 * the first time), and `processedTo` carries over into the next checkpoint until the re-read
 * passes it. Without that, a close during a re-read rewrote their history and a second restart
 * classified records that had been on time as late (test/sources/kafka/restartLedger.test.ts).
 */
export class PartitionLedger implements ReadHistory {
  /** Offset after the last record seen. */
  nextOffset: bigint | undefined;
  closes: Array<[bigint, number]> = [];
  readonly #restored: Restored | undefined;

  constructor(restored?: Restored, commitOffset?: string) {
    this.#restored = restored;
    if (restored !== undefined) this.closes = restored.closes.map(([from, closed]) => [from, closed]);
    if (commitOffset !== undefined && BigInt(commitOffset) >= 0n) this.nextOffset = BigInt(commitOffset);
  }

  /**
   * The offset after the last record processed by this run or, before it, by the runs it was
   * restored from (metadata without `processed_to` carries nothing).
   */
  get processedTo(): bigint | undefined {
    const carried = this.#restored?.processedTo;
    if (carried === undefined || carried === MAX_OFFSET) return this.nextOffset;
    return this.nextOffset === undefined || carried > this.nextOffset ? carried : this.nextOffset;
  }

  seen(position: Position, closedUpToMs: number): void {
    if (!("offset" in position)) return;
    const offset = BigInt(position.offset);
    if (this.closes.length === 0) this.closes.push([offset, closedUpToMs]);
    if (this.nextOffset === undefined || offset >= this.nextOffset) this.nextOffset = offset + 1n;
  }

  closed(closedUpToMs: number): void {
    const from = this.processedTo;
    if (from === undefined) return;
    const last = this.closes[this.closes.length - 1];
    if (last !== undefined && last[0] === from) last[1] = closedUpToMs;
    else this.closes.push([from, closedUpToMs]);
  }

  closedWhenFirstRead(position: Position | undefined): number | undefined {
    const r = this.#reread(position);
    if (r === undefined || position === undefined || !("offset" in position)) return undefined;
    if (r.processedTo === MAX_OFFSET) return Number.NEGATIVE_INFINITY; // metadata without history
    const offset = BigInt(position.offset);
    let closed = Number.NEGATIVE_INFINITY;
    for (const [from, c] of r.closes) {
      if (from > offset) break;
      closed = c;
    }
    return closed;
  }

  closedAtRestart(position: Position | undefined): number | undefined {
    return this.#reread(position)?.closedUpToMs;
  }

  /** The restart the record at this position was processed before, if it was. */
  #reread(position: Position | undefined): Restored | undefined {
    const r = this.#restored;
    return r !== undefined && position !== undefined && "offset" in position && BigInt(position.offset) < r.processedTo ? r : undefined;
  }
}

/** The ledger a new partition of a Kafka source keeps (WindowManagerOptions.history). */
export const newLedger = (): PartitionLedger => new PartitionLedger();

/**
 * The commit to make for a partition: the offset is the first position of its oldest open window
 * (or pending slot), else `nextOffset` (everything processed); the checkpoint records the
 * partition's greatest event time before that offset, how far windows are closed, how far records
 * were processed and the `closes` history in between. Prunes the ledger's history before the
 * commit offset.
 */
export function checkpointOf(windows: WindowManager, key: PartitionKey, nextOffset: string): { offset: string; checkpoint: PartitionCheckpoint } {
  const s = windows.existingPartition(key);
  const closedUpToMs = s?.closedUpToMs ?? windows.closedUpToMs;
  if (s === undefined) return { offset: nextOffset, checkpoint: { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs, processedTo: nextOffset, closes: [] } };
  const ledger = s.history instanceof PartitionLedger ? s.history : undefined;
  // records up to here were processed, by this run or (still being re-read) by an earlier one
  const carried = ledger?.processedTo;
  const next = carried !== undefined && carried > BigInt(nextOffset) ? carried : BigInt(nextOffset);
  const oldest = windows.oldestOpenWindow(key);
  const open = oldest !== undefined && oldest.first !== undefined && "offset" in oldest.first ? oldest : undefined;
  const commitOffset = open?.first !== undefined && "offset" in open.first ? open.first.offset : nextOffset;
  const maxEventMs = open !== undefined ? (open.maxEventBeforeMs ?? Number.NEGATIVE_INFINITY) : s.maxEventMs;
  const commit = BigInt(commitOffset);
  let base = Number.NEGATIVE_INFINITY;
  const later: Array<[bigint, number]> = [];
  const history = ledger?.closes ?? [];
  for (const [from, closed] of history) {
    if (from <= commit) base = closed;
    else if (from < next) later.push([from, closed]);
  }
  if (open === undefined && commit >= next) {
    // everything processed is reported: nothing to re-read, no history to carry
    if (ledger !== undefined) ledger.closes = [[next, closedUpToMs]];
    return { offset: commitOffset, checkpoint: { maxEventMs, closedUpToMs, processedTo: next.toString(), closes: [] } };
  }
  if (ledger !== undefined) ledger.closes = [[commit, base], ...later, ...history.filter(([from]) => from >= next)];
  const closes = [[commit, base] as const, ...later].map(([from, closed]) => [from.toString(), closed] as const);
  return { offset: commitOffset, checkpoint: { maxEventMs, closedUpToMs, processedTo: next.toString(), closes } };
}

/**
 * Restores a partition from a commit (its offset and checkpoint), before its records are re-read
 * from the commit offset (see WindowManager.restorePartition).
 */
export function restoreFromCheckpoint(windows: WindowManager, key: PartitionKey, c: PartitionCheckpoint, commitOffset?: string) {
  const closes = (c.closes ?? []).map(([from, closed]) => [BigInt(from), closed] as const);
  const ledger = new PartitionLedger(
    { processedTo: c.processedTo === undefined ? MAX_OFFSET : BigInt(c.processedTo), closedUpToMs: c.closedUpToMs, closes },
    commitOffset,
  );
  return windows.restorePartition(key, c, ledger);
}
