import { DatasetProfile, type FeatureLimit } from "../profiles/DatasetProfile.js";
import type { SketchOptions } from "../profiles/FeatureProfile.js";
import { comparePartitions, partitionId, type PartitionKey, type Position } from "../sources/Source.js";
import { addCounts, emptyCounts, type WindowCounts } from "./WindowCounts.js";
import { windowStart } from "./tumblingWindows.js";

/** One partition's share of one window. */
export interface PartitionWindow {
  readonly startMs: number;
  readonly profile: DatasetProfile;
  counts: WindowCounts;
  /** Positions of the first and last record attributed to this window in this partition. */
  first: Position | undefined;
  last: Position | undefined;
  /**
   * The partition's greatest event time just before this window (or pending slot) was created,
   * i.e. before its first record: the watermark to restore when re-reading from `first`.
   */
  maxEventBeforeMs?: number;
}

export interface PartitionState {
  readonly key: PartitionKey;
  /** Greatest event time seen in this partition (−∞ before any). */
  maxEventMs: number;
  readonly windows: Map<number, PartitionWindow>;
  /** Counts attributed before the partition had any window; they join its first window. */
  pending: PartitionWindow | undefined;
  /**
   * Windows of this partition ending at or before this are closed. Every close of the instance
   * advances it for all its partitions; a partition restored from a commit starts at the commit's
   * value, which may be behind windows the instance closed for its other partitions (another
   * instance of the group owned it meanwhile): those windows stay open for it, and its share is
   * added to their reports when it closes them (WindowPartStore).
   */
  closedUpToMs: number;
  /** Offset after the last record seen (Kafka positions only). */
  nextOffset?: bigint;
  /**
   * How far windows were closed when this partition's records were processed: entries
   * `[from offset, closed up to ms]`, each applying to the records from its offset to the next
   * entry's (Kafka positions only). Windows close between batches, by other partitions'
   * watermarks or the idle close too, so whether a record found its window closed is not a
   * function of its own partition's records: the entries since the commit offset go into the
   * commit's metadata, and re-read records are classified with them (docs/design-monitor.md).
   */
  closes: Array<[bigint, number]>;
  /** Set when the partition was restored from a commit's metadata (see restorePartition). */
  restored?: RestoredCheckpoint;
}

interface RestoredCheckpoint {
  /** Records before this offset were processed before the restart. */
  readonly processedTo: bigint;
  /** Windows ending at or before this were closed (and reported) before the restart. */
  readonly closedUpToMs: number;
  /** The `closes` history of the processed records since the commit offset. */
  readonly closes: ReadonlyArray<readonly [bigint, number]>;
}

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
  /** `[from offset, closed up to ms]` for the processed records from the commit offset on (see PartitionState.closes). */
  readonly closes?: ReadonlyArray<readonly [string, number]>;
}

/** One partition's share of a closed window: what several instances of a group exchange. */
export interface WindowPart {
  readonly partition: PartitionKey;
  readonly profile: DatasetProfile;
  readonly counts: WindowCounts;
  readonly first: Position | undefined;
  readonly last: Position | undefined;
}

export interface ClosedWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** The partitions' profiles merged in (topic, partition) order. */
  readonly profile: DatasetProfile;
  readonly counts: WindowCounts;
  readonly inputs: ReadonlyArray<{ partition: PartitionKey; first: Position | undefined; last: Position | undefined }>;
  /** The partitions' shares it was assembled from, in (topic, partition) order. */
  readonly parts: readonly WindowPart[];
}

/**
 * A closed window from its partitions' shares, merged in (topic, partition) order whatever order
 * they come in: the one place windows are assembled, so a window assembled from shares written by
 * several instances is bit for bit the one a single instance would have closed.
 */
export function assembleWindow(startMs: number, endMs: number, parts: readonly WindowPart[], sketch?: SketchOptions, limit?: FeatureLimit): ClosedWindow {
  const ordered = [...parts].sort((a, b) => comparePartitions(a.partition, b.partition));
  let profile = new DatasetProfile(sketch, limit);
  let counts = emptyCounts();
  for (const p of ordered) {
    profile = profile.merge(p.profile);
    counts = addCounts(counts, p.counts);
  }
  return { startMs, endMs, profile, counts, inputs: ordered.map((p) => ({ partition: p.partition, first: p.first, last: p.last })), parts: ordered };
}

export interface WindowManagerOptions {
  readonly windowMs: number;
  readonly allowedLatenessMs: number;
  readonly sketch?: SketchOptions;
  /** max_features: how many features a window's profile holds (see FeatureLimit). */
  readonly featureLimit?: FeatureLimit;
}

/**
 * Tumbling event-time windows with per-partition watermarks (dqstream-decisions.md, Determinism):
 * - a partition's watermark is its greatest event time − allowed lateness;
 * - a record is late when its event time is below its own partition's watermark on arrival (or its
 *   window already closed); late records are never merged;
 * - records that are not counted in their own window (late, malformed, skipped without a usable
 *   time) are attributed to the window holding their partition's greatest event time at arrival,
 *   which is always open; before a partition has any window they wait in `pending`;
 * - a window closes when the smallest watermark over the active partitions passes its end.
 * State is per partition, merged at close in (topic, partition) order, so verdicts and counts
 * depend only on each partition's own order, never on how partitions interleave or on batching.
 */
export class WindowManager {
  readonly #opts: WindowManagerOptions;
  readonly #partitions = new Map<string, PartitionState>();
  /** Windows ending at or before this have been closed. */
  #closedUpToMs = Number.NEGATIVE_INFINITY;

  constructor(opts: WindowManagerOptions) {
    this.#opts = opts;
  }

  get windowMs(): number {
    return this.#opts.windowMs;
  }

  /** The latest end of a window closed by this instance (a partition's own: PartitionState.closedUpToMs). */
  get closedUpToMs(): number {
    return this.#closedUpToMs;
  }

  partition(key: PartitionKey): PartitionState {
    const id = partitionId(key);
    let s = this.#partitions.get(id);
    if (s === undefined) {
      s = { key, maxEventMs: Number.NEGATIVE_INFINITY, windows: new Map(), pending: undefined, closes: [], closedUpToMs: this.#closedUpToMs };
      this.#partitions.set(id, s);
    }
    return s;
  }

  partitions(): PartitionState[] {
    return [...this.#partitions.values()];
  }

  /** Drops a partition's open-window state (on revocation: the new owner re-reads it). */
  dropPartition(key: PartitionKey): void {
    this.#partitions.delete(partitionId(key));
  }

  watermark(s: PartitionState): number {
    return s.maxEventMs - this.#opts.allowedLatenessMs;
  }

  /**
   * Notes a record's position before it is handled (records of a partition come in offset order):
   * the `closes` history starts at the partition's first record.
   */
  seen(s: PartitionState, position: Position): void {
    if (!("offset" in position)) return;
    const offset = BigInt(position.offset);
    if (s.closes.length === 0) s.closes.push([offset, s.closedUpToMs]);
    if (s.nextOffset === undefined || offset >= s.nextOffset) s.nextOffset = offset + 1n;
  }

  /**
   * Whether a record with this event time is late in its partition: before its watermark, or in a
   * window closed when it was (first) processed — for a record re-read after a restart, as the
   * commit's history says.
   */
  isLate(s: PartitionState, eventMs: number, position?: Position): boolean {
    return eventMs < this.watermark(s) || this.#end(eventMs) <= this.#closedAt(s, position);
  }

  /** The window for an on-time record, created if needed; advances the partition's event time. */
  windowFor(s: PartitionState, eventMs: number): PartitionWindow {
    const before = s.maxEventMs;
    if (eventMs > s.maxEventMs) s.maxEventMs = eventMs;
    const start = windowStart(eventMs, this.#opts.windowMs);
    let w = s.windows.get(start);
    if (w === undefined) {
      w = {
        startMs: start,
        profile: new DatasetProfile(this.#opts.sketch, this.#opts.featureLimit),
        counts: emptyCounts(),
        first: undefined,
        last: undefined,
        maxEventBeforeMs: before,
      };
      if (s.pending !== undefined && s.windows.size === 0) {
        w.counts = addCounts(w.counts, s.pending.counts);
        w.first = s.pending.first;
        w.last = s.pending.last;
        if (s.pending.maxEventBeforeMs !== undefined) w.maxEventBeforeMs = s.pending.maxEventBeforeMs;
        s.pending = undefined;
      }
      s.windows.set(start, w);
    }
    return w;
  }

  /** Where a record that is not counted in its own window is accounted: see the class comment. */
  attributionTarget(s: PartitionState): PartitionWindow {
    if (Number.isFinite(s.maxEventMs)) {
      const w = s.windows.get(windowStart(s.maxEventMs, this.#opts.windowMs));
      if (w !== undefined) return w;
    }
    s.pending ??= {
      startMs: Number.NaN,
      profile: new DatasetProfile(this.#opts.sketch, this.#opts.featureLimit),
      counts: emptyCounts(),
      first: undefined,
      last: undefined,
      maxEventBeforeMs: s.maxEventMs,
    };
    return s.pending;
  }

  /**
   * Records a position as attributed to a window (for its input range). Positions mostly come in
   * order; a record held for confirmation (replay) is attributed after later ones, so the range
   * only ever widens.
   */
  touch(w: PartitionWindow, position: Position): void {
    if (w.first === undefined || isEarlier(position, w.first)) w.first = position;
    if (w.last === undefined || !isEarlier(position, w.last)) w.last = position;
  }

  /**
   * Closes every window whose end the smallest watermark over the active partitions has passed,
   * in start order. `active` lists them explicitly (a consumer's assignment minus idle
   * partitions); one of them without an event time yet has watermark −∞ and holds every window
   * open, as in Flink, so that a partition whose first records arrive after another partition's
   * cannot find its windows closed. Default: the partitions that have seen an event, enough for
   * one partition (replay), but then a partition first seen later may find windows closed.
   * A partition re-reading after a restart needs no hold: a window its on-time records go to ends
   * after its own watermark, so the smallest watermark has not passed it.
   */
  closeReady(active?: readonly PartitionKey[]): ClosedWindow[] {
    const states = active === undefined ? this.partitions().filter((s) => Number.isFinite(s.maxEventMs)) : active.map((k) => this.partition(k));
    if (states.length === 0) return [];
    const minWatermark = Math.min(...states.map((s) => this.watermark(s)));
    return this.#closeWhere((end) => end <= minWatermark);
  }

  /** Closes every open window (end of input, or idle time). */
  closeAll(): ClosedWindow[] {
    return this.#closeWhere(() => true);
  }

  /** Earliest first position among the open windows of a partition (what is safe to re-read from). */
  oldestOpenPosition(key: PartitionKey): Position | undefined {
    const s = this.#partitions.get(partitionId(key));
    if (s === undefined) return undefined;
    const starts = [...s.windows.keys()].sort((a, b) => a - b);
    const candidates = starts.map((t) => s.windows.get(t)?.first).filter((p): p is Position => p !== undefined);
    if (s.pending?.first !== undefined) candidates.push(s.pending.first);
    return candidates.sort(comparePositions)[0];
  }

  /**
   * The checkpoint to commit with a partition's offset: the commit offset is the first position of
   * its oldest open window (or pending slot), else `nextOffset` (everything processed); the
   * metadata records the partition's greatest event time before that offset, how far windows are
   * closed, how far records were processed and the `closes` history in between. Kafka positions
   * only. Prunes the history before the commit offset.
   */
  checkpoint(key: PartitionKey, nextOffset: string): { offset: string; checkpoint: PartitionCheckpoint } {
    const s = this.#partitions.get(partitionId(key));
    const closedUpToMs = s?.closedUpToMs ?? this.#closedUpToMs;
    if (s === undefined) return { offset: nextOffset, checkpoint: { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs, processedTo: nextOffset, closes: [] } };
    const open = [...s.windows.values()];
    if (s.pending !== undefined) open.push(s.pending);
    let oldest: PartitionWindow | undefined;
    for (const w of open) {
      if (w.first === undefined || !("offset" in w.first)) continue;
      if (oldest === undefined || comparePositions(w.first, oldest.first as Position) < 0) oldest = w;
    }
    if (oldest === undefined || oldest.first === undefined || !("offset" in oldest.first)) {
      s.closes = [[BigInt(nextOffset), closedUpToMs]];
      return { offset: nextOffset, checkpoint: { maxEventMs: s.maxEventMs, closedUpToMs, processedTo: nextOffset, closes: [] } };
    }
    const commit = BigInt(oldest.first.offset);
    const next = BigInt(nextOffset);
    let base = Number.NEGATIVE_INFINITY;
    const later: Array<[bigint, number]> = [];
    for (const [from, closed] of s.closes) {
      if (from <= commit) base = closed;
      else if (from < next) later.push([from, closed]);
    }
    s.closes = [[commit, base], ...later, ...s.closes.filter(([from]) => from >= next)];
    const closes = [[commit, base] as const, ...later].map(([from, closed]) => [from.toString(), closed] as const);
    return {
      offset: oldest.first.offset,
      checkpoint: { maxEventMs: oldest.maxEventBeforeMs ?? Number.NEGATIVE_INFINITY, closedUpToMs, processedTo: nextOffset, closes },
    };
  }

  /**
   * Restores a partition from a commit (its offset and checkpoint), before its records are re-read
   * from the commit offset: its greatest event time (so its watermark evolves as before the
   * restart), the closed windows and the `closes` history, with which `isLate`, `isReread` and
   * `attributionIsReread` classify each re-read record as it was the first time. Replaces the
   * partition's state.
   */
  restorePartition(key: PartitionKey, c: PartitionCheckpoint, commitOffset?: string): PartitionState {
    this.#partitions.delete(partitionId(key));
    const s = this.partition(key);
    s.maxEventMs = c.maxEventMs;
    const closes = (c.closes ?? []).map(([from, closed]) => [BigInt(from), closed] as [bigint, number]);
    s.restored = {
      processedTo: c.processedTo === undefined ? MAX_OFFSET : BigInt(c.processedTo),
      closedUpToMs: c.closedUpToMs,
      closes,
    };
    s.closes = closes.map(([from, closed]) => [from, closed]);
    s.closedUpToMs = c.closedUpToMs;
    if (commitOffset !== undefined && BigInt(commitOffset) >= 0n) s.nextOffset = BigInt(commitOffset);
    if (c.closedUpToMs > this.#closedUpToMs) this.#closedUpToMs = c.closedUpToMs;
    return s;
  }

  /** Whether the record at this position was processed before the restart the partition was restored from. */
  #reread(s: PartitionState, position: Position | undefined): boolean {
    return s.restored !== undefined && position !== undefined && "offset" in position && BigInt(position.offset) < s.restored.processedTo;
  }

  /** How far windows were closed when the record at `position` was first processed. */
  #closedAt(s: PartitionState, position: Position | undefined): number {
    if (!this.#reread(s, position) || s.restored === undefined || position === undefined || !("offset" in position)) return s.closedUpToMs;
    if (s.restored.processedTo === MAX_OFFSET) return Number.NEGATIVE_INFINITY; // metadata without history
    const offset = BigInt(position.offset);
    let closed = Number.NEGATIVE_INFINITY;
    for (const [from, c] of s.restored.closes) {
      if (from > offset) break;
      closed = c;
    }
    return closed;
  }

  /**
   * Whether a record that was on time when first processed (`isLate` false) went into a window
   * closed and reported before the restart: skipped silently (its event time still advances the
   * partition's watermark, as it did the first time; see `advance`).
   */
  isReread(s: PartitionState, eventMs: number, position?: Position): boolean {
    return this.#reread(s, position) && this.#end(eventMs) <= (s.restored as RestoredCheckpoint).closedUpToMs;
  }

  /** Advances a partition's greatest event time without counting anything (a skipped re-read). */
  advance(s: PartitionState, eventMs: number): void {
    if (eventMs > s.maxEventMs) s.maxEventMs = eventMs;
  }

  /**
   * Whether a record not counted in its own window (late, malformed, no event time, shadow) was
   * attributed, when first processed, to a window closed and reported before the restart: skipped
   * silently. (When its attribution window was already closed then, it went to the pending slot,
   * as it does again.)
   */
  attributionIsReread(s: PartitionState, position?: Position): boolean {
    if (!this.#reread(s, position) || !Number.isFinite(s.maxEventMs)) return false;
    const end = this.#end(s.maxEventMs);
    return !s.windows.has(end - this.#opts.windowMs) && end <= (s.restored as RestoredCheckpoint).closedUpToMs && end > this.#closedAt(s, position);
  }

  /**
   * Counts waiting in `pending` (records attributed before their partition had a window): at the
   * end of input they belong to no window's manifest, so a run's totals add them from here.
   */
  unattributedCounts(): WindowCounts {
    let total = emptyCounts();
    for (const s of this.#partitions.values()) if (s.pending !== undefined) total = addCounts(total, s.pending.counts);
    return total;
  }

  get openWindowCount(): number {
    const starts = new Set<number>();
    for (const s of this.#partitions.values()) for (const t of s.windows.keys()) starts.add(t);
    return starts.size;
  }

  #end(eventMs: number): number {
    return windowStart(eventMs, this.#opts.windowMs) + this.#opts.windowMs;
  }

  /** Records in a partition's history that records from its next offset on see its new closedUpToMs. */
  #noteClose(s: PartitionState): void {
    if (s.nextOffset === undefined) return;
    const last = s.closes[s.closes.length - 1];
    if (last !== undefined && last[0] === s.nextOffset) last[1] = s.closedUpToMs;
    else s.closes.push([s.nextOffset, s.closedUpToMs]);
  }

  #closeWhere(due: (endMs: number) => boolean): ClosedWindow[] {
    const size = this.#opts.windowMs;
    const starts = new Set<number>();
    for (const s of this.#partitions.values()) for (const t of s.windows.keys()) if (due(t + size)) starts.add(t);
    const ordered = [...starts].sort((a, b) => a - b);
    const states = this.partitions().sort((a, b) => comparePartitions(a.key, b.key));
    const closed: ClosedWindow[] = [];
    for (const start of ordered) {
      const parts: WindowPart[] = [];
      for (const s of states) {
        const w = s.windows.get(start);
        if (w === undefined) continue;
        parts.push({ partition: s.key, profile: w.profile, counts: w.counts, first: w.first, last: w.last });
        s.windows.delete(start);
      }
      if (start + size > this.#closedUpToMs) this.#closedUpToMs = start + size;
      for (const s of states) {
        if (start + size <= s.closedUpToMs) continue;
        s.closedUpToMs = start + size;
        this.#noteClose(s);
      }
      closed.push(assembleWindow(start, start + size, parts, this.#opts.sketch, this.#opts.featureLimit));
    }
    return closed;
  }
}

/** "Every offset": metadata without `processed_to` treats every re-read record as processed. */
const MAX_OFFSET = 2n ** 63n;

function comparePositions(a: Position, b: Position): number {
  if ("line" in a && "line" in b) return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
  if ("offset" in a && "offset" in b) {
    const x = BigInt(a.offset);
    const y = BigInt(b.offset);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/** Whether `a` was read before `b` in the same file or partition (positions of different ones are not ordered here). */
function isEarlier(a: Position, b: Position): boolean {
  if ("line" in a && "line" in b) return a.file === b.file && a.line < b.line;
  // offsets are decimal strings without leading zeros: shorter is smaller, else by text (no BigInt on the hot path)
  if ("offset" in a && "offset" in b)
    return (
      a.topic === b.topic && a.partition === b.partition && (a.offset.length < b.offset.length || (a.offset.length === b.offset.length && a.offset < b.offset))
    );
  return false;
}
