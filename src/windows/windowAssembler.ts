import type { FeatureLimit } from "../profiles/DatasetProfile.js";
import type { SketchOptions } from "../profiles/FeatureProfile.js";
import { comparePartitions, partitionId, type PartitionKey } from "../records/SourceRecord.js";
import { assembleWindow, type ClosedWindow, type WindowCompleteness, type WindowPart } from "./WindowManager.js";

/**
 * Stage 2 of the monitor (docs/design-monitor.md, "Two stages over Kafka"): window parts and
 * progress of every input partition, as read from the parts topic, in, and each window out once,
 * assembled from all its parts in (topic, partition) order, when every expected input partition's
 * progress has passed its end. Pure: offsets and the clock are given, nothing is read or written.
 *
 * - Windows go out in start order: completeness is monotone (progress past a window's end is past
 *   every earlier end), and a later window waits for an earlier one that is neither complete nor
 *   due, so the alert lifecycle and CloudWatch see windows in order.
 * - A window waiting longer than `maxWaitMs` (wall clock, since its first part was read) goes out
 *   marked incomplete, naming the partitions whose progress had not passed its end. It is kept: when
 *   they catch up, it goes out again, complete (a correction). At most `maxCorrectable` incomplete
 *   windows are kept; the oldest is then given up (no correction for it).
 * - State survives a restart through `checkpoint()` (the commit offset on the parts topic and what
 *   `restore` needs): re-read parts of windows that went out are recognised and dropped.
 */
export interface AssemblerOptions {
  readonly windowMs: number;
  readonly maxWaitMs: number;
  readonly maxCorrectable: number;
  readonly sketch?: SketchOptions;
  readonly limit?: FeatureLimit;
}

/** A window going out: complete, or not (then `missing` names the partitions it waits for), and whether it corrects an earlier incomplete one. */
export interface AssembledWindow extends WindowCompleteness {
  /** The window, its `completeness` set. */
  readonly window: ClosedWindow;
}

/** What a restart needs (JSON in the commit metadata: -∞ as null; see assemblerCheckpoint.ts). */
export interface AssemblerState {
  /** Every window ending at or before this went out (complete or not). */
  readonly emittedUpToMs: number;
  /** The latest progress of each input partition. */
  readonly progress: ReadonlyArray<readonly [PartitionKey, number]>;
  /** Windows that went out incomplete and may still be corrected: start, and the partitions missing then. */
  readonly incomplete: ReadonlyArray<readonly [number, readonly PartitionKey[]]>;
  /**
   * The offset after the last message read. Restored, nothing goes out until the re-read gets
   * there: the restored progress may already complete a window whose parts are not read again yet.
   */
  readonly readTo?: bigint;
}

interface Pending {
  readonly startMs: number;
  readonly parts: Map<string, WindowPart>;
  /** Offset of its first part read (the commit may not pass it while the window is held). */
  firstOffset: bigint;
  /** Wall clock of its first part read. */
  readonly firstSeenMs: number;
  /** Went out incomplete; kept for its correction. */
  emitted: boolean;
}

export class WindowAssembler {
  readonly #o: AssemblerOptions;
  readonly #progress = new Map<string, { key: PartitionKey; ms: number }>();
  readonly #pending = new Map<number, Pending>();
  #expected: readonly PartitionKey[] = [];
  #emittedUpToMs = Number.NEGATIVE_INFINITY;
  /** Offset after the last message read. */
  #next: bigint | undefined;
  /** After a restore: nothing goes out before the re-read reaches this offset (AssemblerState.readTo). */
  #holdUntil: bigint | undefined;

  constructor(o: AssemblerOptions, restored?: AssemblerState) {
    this.#o = o;
    if (restored === undefined) return;
    this.#emittedUpToMs = restored.emittedUpToMs;
    this.#holdUntil = restored.readTo;
    for (const [key, ms] of restored.progress) this.#progress.set(partitionId(key), { key, ms });
    // incomplete windows come back as they are re-read; until then they are placeholders that
    // hold nothing and are replaced by the first part read
    for (const [startMs] of restored.incomplete)
      this.#pending.set(startMs, { startMs, parts: new Map(), firstOffset: -1n, firstSeenMs: Number.NEGATIVE_INFINITY, emitted: true });
  }

  /** The input partitions every window waits for (all partitions of the input topics). */
  expect(partitions: readonly PartitionKey[]): void {
    this.#expected = [...partitions].sort(comparePartitions);
  }

  /** The parts topic's partition ends at `end` now: a restored hold past it (the topic was truncated or made again) is dropped. */
  endsAt(end: bigint): void {
    if (this.#holdUntil !== undefined && this.#holdUntil > end) this.#holdUntil = end;
  }

  /** Notes the offset of a message read that is neither a part nor progress (a bad one, skipped). */
  read(offset: bigint): void {
    if (this.#next === undefined || offset + 1n > this.#next) this.#next = offset + 1n;
  }

  part(startMs: number, part: WindowPart, offset: bigint, nowMs: number): void {
    this.read(offset);
    const endMs = startMs + this.#o.windowMs;
    let p = this.#pending.get(startMs);
    if (p === undefined) {
      // a re-read part of a window that went out complete (or was given up): already reported
      if (endMs <= this.#emittedUpToMs) return;
      p = { startMs, parts: new Map(), firstOffset: offset, firstSeenMs: nowMs, emitted: false };
      this.#pending.set(startMs, p);
    }
    if (p.firstOffset < 0n || offset < p.firstOffset) p.firstOffset = offset;
    // a part is a function of its partition's records: one read again has the same content
    p.parts.set(partitionId(part.partition), part);
  }

  progress(partition: PartitionKey, closedUpToMs: number, offset: bigint): void {
    this.read(offset);
    const id = partitionId(partition);
    const was = this.#progress.get(id);
    if (was === undefined || closedUpToMs > was.ms) this.#progress.set(id, { key: partition, ms: closedUpToMs });
  }

  /** The expected partitions whose progress has not passed `endMs`. */
  #missing(endMs: number): PartitionKey[] {
    return this.#expected.filter((k) => (this.#progress.get(partitionId(k))?.ms ?? Number.NEGATIVE_INFINITY) < endMs);
  }

  /**
   * Windows to report now, in start order (see the class comment), at most `limit`: with 1, the
   * checkpoint taken after each counts exactly the windows handed out so far, so an owner that
   * commits after each report delivers at most one window again after a crash.
   */
  ready(nowMs: number, limit = Number.POSITIVE_INFINITY): AssembledWindow[] {
    const out: AssembledWindow[] = [];
    if (this.#expected.length === 0) return out; // the input topics' partitions are not known yet
    if (this.#holdUntil !== undefined) {
      if ((this.#next ?? -1n) < this.#holdUntil) return out;
      this.#holdUntil = undefined;
    }
    for (const p of [...this.#pending.values()].sort((a, b) => a.startMs - b.startMs)) {
      if (out.length >= limit) break;
      const endMs = p.startMs + this.#o.windowMs;
      const missing = this.#missing(endMs);
      if (missing.length === 0) {
        if (p.parts.size > 0 || !p.emitted) out.push(this.#emit(p, [], p.emitted));
        this.#pending.delete(p.startMs);
        continue;
      }
      if (p.emitted) continue; // waits for its correction; later windows go on
      if (p.parts.size === 0 || nowMs - p.firstSeenMs < this.#o.maxWaitMs) break;
      out.push(this.#emit(p, missing, false));
      p.emitted = true;
    }
    this.#bound();
    return out;
  }

  #emit(p: Pending, missing: readonly PartitionKey[], correction: boolean): AssembledWindow {
    const endMs = p.startMs + this.#o.windowMs;
    if (endMs > this.#emittedUpToMs) this.#emittedUpToMs = endMs;
    const completeness = { complete: missing.length === 0, missing, correction };
    const window = { ...assembleWindow(p.startMs, endMs, [...p.parts.values()], this.#o.sketch, this.#o.limit), completeness };
    return { window, ...completeness };
  }

  /** Gives up the oldest incomplete windows past maxCorrectable. */
  #bound(): void {
    const held = [...this.#pending.values()].filter((p) => p.emitted).sort((a, b) => a.startMs - b.startMs);
    for (const p of held.slice(0, Math.max(0, held.length - this.#o.maxCorrectable))) this.#pending.delete(p.startMs);
  }

  /** The offset after the last message read (undefined before anything was read). */
  get readTo(): bigint | undefined {
    return this.#next;
  }

  /** Windows read and not yet gone out complete. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * The commit for the parts topic partition: the offset of the first part of the oldest window
   * still held (waiting, or incomplete and correctable), else the offset after the last message
   * read; and the state `restore` needs. Undefined before anything was read.
   */
  checkpoint(): { offset: bigint; state: AssemblerState } | undefined {
    if (this.#next === undefined) return undefined;
    let offset = this.#next;
    for (const p of this.#pending.values()) if (p.firstOffset >= 0n && p.firstOffset < offset) offset = p.firstOffset;
    const incomplete = [...this.#pending.values()]
      .filter((p) => p.emitted)
      .sort((a, b) => a.startMs - b.startMs)
      .map((p) => [p.startMs, this.#missing(p.startMs + this.#o.windowMs)] as const);
    const progress = [...this.#progress.values()].sort((a, b) => comparePartitions(a.key, b.key)).map((p) => [p.key, p.ms] as const);
    return { offset, state: { emittedUpToMs: this.#emittedUpToMs, progress, incomplete, readTo: this.#next } };
  }
}
