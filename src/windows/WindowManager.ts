import { DatasetProfile, type FeatureLimit } from "../profiles/DatasetProfile.js";
import type { SketchOptions } from "../profiles/FeatureProfile.js";
import { comparePartitions, partitionId, type PartitionKey, type Position } from "../records/SourceRecord.js";
import type { ReadHistory } from "./ReadHistory.js";
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
  /** The source's history of records read more than once (absent: every record is read once). */
  history: ReadHistory | undefined;
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
  /**
   * Set by the monitor's stage 2 (WindowAssembler): whether every input partition had passed the
   * window's end, which had not, and whether this report corrects one that went out incomplete.
   */
  readonly completeness?: WindowCompleteness;
}

export interface WindowCompleteness {
  readonly complete: boolean;
  readonly missing: readonly PartitionKey[];
  readonly correction: boolean;
}

/**
 * A closed window from its partitions' shares, merged in (topic, partition) order whatever order
 * they come in: the one place windows are assembled, so a window assembled from shares written by
 * several instances is bit for bit the one a single instance would have closed.
 */
export function assembleWindow(startMs: number, endMs: number, parts: readonly WindowPart[], sketch?: SketchOptions, limit?: FeatureLimit): ClosedWindow {
  const ordered = [...parts].sort((a, b) => comparePartitions(a.partition, b.partition));
  // one part (one partition, as in every replay): its profile is the window's, no longer written
  // to (its partition's window was deleted when it closed), so it is not copied through a merge
  // with the empty profile (merge's identity)
  let profile = ordered.length === 1 ? (ordered[0] as WindowPart).profile : new DatasetProfile(sketch, limit);
  let counts = emptyCounts();
  for (const p of ordered) {
    if (ordered.length > 1) profile = profile.merge(p.profile);
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
  /** The history a new partition's state keeps (see ReadHistory); absent: records are read once. */
  readonly history?: (key: PartitionKey) => ReadHistory;
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
      s = {
        key,
        maxEventMs: Number.NEGATIVE_INFINITY,
        windows: new Map(),
        pending: undefined,
        closedUpToMs: this.#closedUpToMs,
        history: this.#opts.history?.(key),
      };
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

  /** Notes a record's position before it is handled (records of a partition come in position order). */
  seen(s: PartitionState, position: Position): void {
    s.history?.seen(position, s.closedUpToMs);
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

  /**
   * The open window (or pending slot) of a partition whose first record comes first: where a
   * source that resumes from a position must resume to re-read every open window (undefined: none
   * holds a record, or the partition is unknown).
   */
  oldestOpenWindow(key: PartitionKey): PartitionWindow | undefined {
    const s = this.#partitions.get(partitionId(key));
    if (s === undefined) return undefined;
    let oldest: PartitionWindow | undefined;
    for (const w of s.pending === undefined ? s.windows.values() : [...s.windows.values(), s.pending]) {
      if (w.first === undefined) continue;
      if (oldest === undefined || comparePositions(w.first, oldest.first as Position) < 0) oldest = w;
    }
    return oldest;
  }

  /** A partition's state if it has one (unlike `partition`, creates none). */
  existingPartition(key: PartitionKey): PartitionState | undefined {
    return this.#partitions.get(partitionId(key));
  }

  /**
   * Restores a partition before its records are re-read from a checkpoint: its greatest event
   * time (so its watermark evolves as before the restart), how far its windows are closed, and the
   * history with which `isLate`, `isReread` and `attributionIsReread` classify each re-read record
   * as it was the first time. Replaces the partition's state.
   */
  restorePartition(
    key: PartitionKey,
    restored: { readonly maxEventMs: number; readonly closedUpToMs: number },
    history: ReadHistory | undefined,
  ): PartitionState {
    this.#partitions.delete(partitionId(key));
    const s = this.partition(key);
    s.maxEventMs = restored.maxEventMs;
    s.closedUpToMs = restored.closedUpToMs;
    s.history = history;
    if (restored.closedUpToMs > this.#closedUpToMs) this.#closedUpToMs = restored.closedUpToMs;
    return s;
  }

  /** How far windows were closed when the record at `position` was first processed. */
  #closedAt(s: PartitionState, position: Position | undefined): number {
    return s.history?.closedWhenFirstRead(position) ?? s.closedUpToMs;
  }

  /**
   * Whether a record that was on time when first processed (`isLate` false) went into a window
   * closed and reported before the restart: skipped silently (its event time still advances the
   * partition's watermark, as it did the first time; see `advance`).
   */
  isReread(s: PartitionState, eventMs: number, position?: Position): boolean {
    const atRestart = s.history?.closedAtRestart(position);
    return atRestart !== undefined && this.#end(eventMs) <= atRestart;
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
    const atRestart = s.history?.closedAtRestart(position);
    if (atRestart === undefined || !Number.isFinite(s.maxEventMs)) return false;
    const end = this.#end(s.maxEventMs);
    return !s.windows.has(end - this.#opts.windowMs) && end <= atRestart && end > this.#closedAt(s, position);
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
        s.history?.closed(s.closedUpToMs);
      }
      closed.push(assembleWindow(start, start + size, parts, this.#opts.sketch, this.#opts.featureLimit));
    }
    return closed;
  }
}

/** Order of positions of one file or partition (positions of different ones compare equal). */
export function comparePositions(a: Position, b: Position): number {
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
