import { DatasetProfile } from "../profiles/DatasetProfile.js";
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
   * Set when the partition was restored from a commit's metadata: windows ending at or before
   * this were closed (and reported) before the restart, so re-read records for them are skipped.
   */
  restoredClosedUpToMs?: number;
}

/** What a commit's metadata records about a partition (docs/design-monitor.md). */
export interface PartitionCheckpoint {
  /** The partition's greatest event time before the commit offset (−∞ when none). */
  readonly maxEventMs: number;
  /** Windows ending at or before this are closed (−∞ when none). */
  readonly closedUpToMs: number;
}

export interface ClosedWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** The partitions' profiles merged in (topic, partition) order. */
  readonly profile: DatasetProfile;
  readonly counts: WindowCounts;
  readonly inputs: ReadonlyArray<{ partition: PartitionKey; first: Position | undefined; last: Position | undefined }>;
}

export interface WindowManagerOptions {
  readonly windowMs: number;
  readonly allowedLatenessMs: number;
  readonly sketch?: SketchOptions;
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

  get closedUpToMs(): number {
    return this.#closedUpToMs;
  }

  partition(key: PartitionKey): PartitionState {
    const id = partitionId(key);
    let s = this.#partitions.get(id);
    if (s === undefined) {
      s = { key, maxEventMs: Number.NEGATIVE_INFINITY, windows: new Map(), pending: undefined };
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

  /** Whether a record with this event time is late in its partition. */
  isLate(s: PartitionState, eventMs: number): boolean {
    return eventMs < this.watermark(s) || windowStart(eventMs, this.#opts.windowMs) + this.#opts.windowMs <= this.#closedUpToMs;
  }

  /** The window for an on-time record, created if needed; advances the partition's event time. */
  windowFor(s: PartitionState, eventMs: number): PartitionWindow {
    const before = s.maxEventMs;
    if (eventMs > s.maxEventMs) s.maxEventMs = eventMs;
    const start = windowStart(eventMs, this.#opts.windowMs);
    let w = s.windows.get(start);
    if (w === undefined) {
      w = { startMs: start, profile: new DatasetProfile(this.#opts.sketch), counts: emptyCounts(), first: undefined, last: undefined, maxEventBeforeMs: before };
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
    s.pending ??= { startMs: Number.NaN, profile: new DatasetProfile(this.#opts.sketch), counts: emptyCounts(), first: undefined, last: undefined, maxEventBeforeMs: s.maxEventMs };
    return s.pending;
  }

  /** Records a position as attributed to a window (for its input range). */
  touch(w: PartitionWindow, position: Position): void {
    w.first ??= position;
    w.last = position;
  }

  /**
   * Closes every window whose end the smallest watermark over the active partitions has passed,
   * in start order. `active` lists them explicitly (a consumer's assignment minus idle
   * partitions); one of them without an event time yet has watermark −∞ and holds every window
   * open, as in Flink, so that a partition whose first records arrive after another partition's
   * cannot find its windows closed. Default: the partitions that have seen an event, enough for
   * one partition (replay), but then a partition first seen later may find windows closed.
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
   * metadata records the partition's greatest event time before that offset and how far windows
   * are closed. Kafka positions only.
   */
  checkpoint(key: PartitionKey, nextOffset: string): { offset: string; checkpoint: PartitionCheckpoint } {
    const s = this.#partitions.get(partitionId(key));
    const closedUpToMs = this.#closedUpToMs;
    if (s === undefined) return { offset: nextOffset, checkpoint: { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs } };
    const open = [...s.windows.values()];
    if (s.pending !== undefined) open.push(s.pending);
    let oldest: PartitionWindow | undefined;
    for (const w of open) {
      if (w.first === undefined || !("offset" in w.first)) continue;
      if (oldest === undefined || comparePositions(w.first, oldest.first as Position) < 0) oldest = w;
    }
    if (oldest === undefined || oldest.first === undefined || !("offset" in oldest.first)) return { offset: nextOffset, checkpoint: { maxEventMs: s.maxEventMs, closedUpToMs } };
    return { offset: oldest.first.offset, checkpoint: { maxEventMs: oldest.maxEventBeforeMs ?? Number.NEGATIVE_INFINITY, closedUpToMs } };
  }

  /**
   * Restores a partition from a commit's checkpoint, before its records are re-read from the
   * commit offset: its greatest event time (so its watermark evolves as before the restart) and
   * the closed windows, whose re-read records `isReread` then identifies. Replaces the
   * partition's state.
   */
  restorePartition(key: PartitionKey, c: PartitionCheckpoint): PartitionState {
    this.#partitions.delete(partitionId(key));
    const s = this.partition(key);
    s.maxEventMs = c.maxEventMs;
    s.restoredClosedUpToMs = c.closedUpToMs;
    if (c.closedUpToMs > this.#closedUpToMs) this.#closedUpToMs = c.closedUpToMs;
    return s;
  }

  /**
   * Whether an on-time record (by the partition's restored watermark) falls in a window closed
   * before a restart: it was counted there already, so it is skipped silently (its event time
   * still advances the partition's watermark, as it did the first time).
   */
  isReread(s: PartitionState, eventMs: number): boolean {
    const closed = s.restoredClosedUpToMs;
    if (closed === undefined || eventMs < this.watermark(s)) return false;
    return windowStart(eventMs, this.#opts.windowMs) + this.#opts.windowMs <= closed;
  }

  /** Advances a partition's greatest event time without counting anything (a skipped re-read). */
  advance(s: PartitionState, eventMs: number): void {
    if (eventMs > s.maxEventMs) s.maxEventMs = eventMs;
  }

  /**
   * Whether a record not counted in its own window (late, malformed, no event time) would be
   * attributed to a window closed before a restart: it was counted in that window's manifest
   * already, so it is skipped silently.
   */
  attributionIsReread(s: PartitionState): boolean {
    const closed = s.restoredClosedUpToMs;
    if (closed === undefined || !Number.isFinite(s.maxEventMs)) return false;
    const start = windowStart(s.maxEventMs, this.#opts.windowMs);
    return !s.windows.has(start) && start + this.#opts.windowMs <= closed;
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

  #closeWhere(due: (endMs: number) => boolean): ClosedWindow[] {
    const size = this.#opts.windowMs;
    const starts = new Set<number>();
    for (const s of this.#partitions.values()) for (const t of s.windows.keys()) if (due(t + size)) starts.add(t);
    const ordered = [...starts].sort((a, b) => a - b);
    const states = this.partitions().sort((a, b) => comparePartitions(a.key, b.key));
    const closed: ClosedWindow[] = [];
    for (const start of ordered) {
      let profile = new DatasetProfile(this.#opts.sketch);
      let counts = emptyCounts();
      const inputs: Array<{ partition: PartitionKey; first: Position | undefined; last: Position | undefined }> = [];
      for (const s of states) {
        const w = s.windows.get(start);
        if (w === undefined) continue;
        profile = profile.merge(w.profile);
        counts = addCounts(counts, w.counts);
        inputs.push({ partition: s.key, first: w.first, last: w.last });
        s.windows.delete(start);
      }
      if (start + size > this.#closedUpToMs) this.#closedUpToMs = start + size;
      closed.push({ startMs: start, endMs: start + size, profile, counts, inputs });
    }
    return closed;
  }
}

function comparePositions(a: Position, b: Position): number {
  if ("line" in a && "line" in b) return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
  if ("offset" in a && "offset" in b) {
    const x = BigInt(a.offset);
    const y = BigInt(b.offset);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}
