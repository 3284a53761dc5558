import { objectKeysOf, type FeatureLayout, type FeatureRow } from "../records/featureRow.js";
import type { RecordDecoder } from "../records/RecordDecoder.js";
import type { DeadLetter } from "../sinks/DeadLetterSink.js";
import { formatPosition, partitionId, type PartitionKey, type SourceRecord } from "../records/SourceRecord.js";
import { confirms, judgeEventTime, unconfirmedDetail, type PlausibilityOptions } from "../windows/eventTimePlausibility.js";
import { bump } from "../windows/WindowCounts.js";
import type { ClosedWindow, PartitionWindow, WindowManager } from "../windows/WindowManager.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import type { PreprocessContext, Preprocessor } from "../hooks/Preprocessor.js";

export interface MonitorEngineOptions {
  readonly windows: WindowManager;
  /** The record format (`record_format`): record text → record, event time, skip, rows. */
  readonly decoder: RecordDecoder;
  readonly layout: FeatureLayout;
  /** When a record carries no usable event time, use the source's timestamp (if it has one). */
  readonly fallbackToSourceTimestamp: boolean;
  /** When an event time is implausible (eventTimePlausibility.ts); default: 1 h ahead, no confirmation. */
  readonly plausibility?: PlausibilityOptions;
  readonly preprocessor?: Preprocessor | undefined;
  /** Called for each hook failure, with the record's position (logging). */
  readonly onHookError?: (kind: string, detail: string, position: string) => void;
}

export interface BatchResult {
  /** Windows the batch closed, in start order. */
  closed: ClosedWindow[];
  /** Records of the batch that could not be counted, in input order. */
  deadLetters: DeadLetter[];
}

/**
 * Reason of a record the preprocess hook dropped: counted as skipped, not dead-lettered (ignored
 * on purpose, as the decoder's skip reasons).
 */
export const SKIP_DROPPED = "dropped by preprocessor";
/** Reason of a record whose event time is implausible (eventTimePlausibility.ts). */
export const IMPLAUSIBLE_EVENT_TIME = "implausible event time";

const DEFAULT_PLAUSIBILITY: PlausibilityOptions = { maxAheadMs: 3_600_000, confirmJumps: false };

/** A decoded record with its event time. */
interface Timed {
  source: SourceRecord;
  /** What the decoder made of `source.value`. */
  record: unknown;
  eventMs: number;
}

interface Pending extends Timed {
  /** Where its dead letter goes among the batch's (see `slot`). */
  slot: number;
  window: PartitionWindow;
}

/**
 * Dead letters come out in input order: record i of a batch takes slot 2i + 1; a held record
 * decided when record i arrives takes slot 2i (just before it).
 */
const slot = (i: number): number => 2 * i + 1;

/**
 * The monitoring engine, independent of where records come from: captured records in, closed
 * windows out. `process` takes a batch in source order; within a partition records must come in
 * position order. The outcome depends only on each partition's record sequence (see
 * WindowManager), not on batch boundaries.
 *
 * Per record: bytes that are not a readable record (too long, not UTF-8) → dead letter; decode
 * (the RecordDecoder of `record_format`) → skipped on purpose, e.g. shadow traffic (counted as
 * skipped where late and malformed records are) → event time (the record's, else the source
 * timestamp if allowed) → plausible? (else dead letter; in replay a jump may wait for the next
 * record to confirm it) → late? → its window → rows (preprocess hook, or the decoder's by the
 * baseline layout) → the window's profile.
 * Nothing is dropped silently: every record is counted in some window's counts, and those not
 * counted in statistics go to the dead letters.
 */
export class MonitorEngine {
  readonly #o: MonitorEngineOptions;
  readonly #plausibility: PlausibilityOptions;
  /** Per partition, a record whose event time waits for confirmation (replay only). */
  readonly #held = new Map<string, Timed>();

  constructor(options: MonitorEngineOptions) {
    this.#o = options;
    this.#plausibility = options.plausibility ?? DEFAULT_PLAUSIBILITY;
  }

  get windows(): WindowManager {
    return this.#o.windows;
  }

  /**
   * `active`: the partitions the source serves (see WindowManager.closeReady); windows close by
   * the smallest watermark over them. Default: every partition seen with an event time, which
   * suits one partition (replay); with several, pass them, or a partition whose first records
   * come after others' may find its early windows closed (its records late).
   */
  async process(batch: readonly SourceRecord[], active?: readonly PartitionKey[]): Promise<BatchResult> {
    const wm = this.#o.windows;
    const letters: Array<DeadLetter | undefined> = [];
    const pending: Pending[] = [];
    const dead = (at: number, s: SourceRecord, w: PartitionWindow, reason: string, detail: string, late = false): void => {
      if (late) w.counts.late++;
      else bump(w.counts.malformed, reason);
      wm.touch(w, s.position);
      letters[at] = deadLetter(s, reason, detail);
    };

    // Phase 1, in order: decode, event time, lateness, window. A record re-read after a restart
    // and already counted in a window reported before it is skipped silently (the `…IsReread`
    // and `isReread` tests; docs/design-monitor.md).
    const timed = (t: Timed, at: number): void => {
      const state = wm.partition(t.source.partition);
      const { source: s, eventMs } = t;
      const pos = s.position;
      if (wm.isLate(state, eventMs, pos)) {
        if (wm.attributionIsReread(state, pos)) return;
        // late by the partition's own watermark, or because its window had closed already (the
        // partition was first seen, or re-assigned, after that): its watermark may then be −∞
        const watermark = wm.watermark(state);
        const why =
          eventMs < watermark
            ? `is before the partition's watermark ${isoSeconds(watermark)}`
            : `is in a window already closed (windows are closed up to ${isoSeconds(state.closedUpToMs)})`;
        dead(at, s, wm.attributionTarget(state), "late", `event time ${isoSeconds(eventMs)} ${why}`, true);
        return;
      }
      if (wm.isReread(state, eventMs, pos)) {
        wm.advance(state, eventMs); // as windowFor did the first time
        return;
      }
      const window = wm.windowFor(state, eventMs);
      wm.touch(window, pos);
      pending.push({ ...t, slot: at, window });
    };

    const decoder = this.#o.decoder;
    for (const [i, s] of batch.entries()) {
      const state = wm.partition(s.partition);
      const at = s.position;
      wm.seen(state, at);
      if (s.unreadable !== undefined) {
        if (wm.attributionIsReread(state, at)) continue;
        dead(slot(i), s, wm.attributionTarget(state), s.unreadable.reason, s.unreadable.detail);
        continue;
      }
      const decoded = decoder.decode(s.value);
      if (!decoded.ok) {
        if (wm.attributionIsReread(state, at)) continue;
        dead(slot(i), s, wm.attributionTarget(state), decoded.reason, decoded.detail);
        continue;
      }
      const record = decoded.value;
      const skip = decoder.skipReason(record);
      if (skip !== undefined) {
        // ignored on purpose, counted where the partition's other uncounted records are
        if (wm.attributionIsReread(state, at)) continue;
        const w = wm.attributionTarget(state);
        bump(w.counts.skipped, skip);
        wm.touch(w, at);
        continue;
      }
      let eventMs = decoder.eventTimeMs(record);
      if (eventMs === undefined && this.#o.fallbackToSourceTimestamp && s.timestampMs !== undefined) eventMs = s.timestampMs;
      if (eventMs === undefined) {
        if (wm.attributionIsReread(state, at)) continue;
        dead(slot(i), s, wm.attributionTarget(state), "missing event time", decoder.missingEventTimeDetail(record));
        continue;
      }
      const id = partitionId(s.partition);
      const held = this.#held.get(id);
      if (held !== undefined) {
        this.#held.delete(id);
        if (confirms(eventMs, held.eventMs, this.#plausibility)) timed(held, slot(i) - 1);
        else
          dead(
            slot(i) - 1,
            held.source,
            wm.attributionTarget(state),
            IMPLAUSIBLE_EVENT_TIME,
            unconfirmedDetail(held.eventMs, state.maxEventMs, eventMs, this.#plausibility),
          );
      }
      const judged = judgeEventTime(eventMs, s.timestampMs, state.maxEventMs, this.#plausibility);
      if (judged.verdict === "implausible") {
        if (wm.attributionIsReread(state, at)) continue;
        dead(slot(i), s, wm.attributionTarget(state), IMPLAUSIBLE_EVENT_TIME, judged.detail);
        continue;
      }
      if (judged.verdict === "confirm") {
        this.#held.set(id, { source: s, record, eventMs });
        continue;
      }
      timed({ source: s, record, eventMs }, slot(i));
    }

    await this.#count(pending, letters);
    const deadLetters = letters.filter((d): d is DeadLetter => d !== undefined);
    return { closed: wm.closeReady(active), deadLetters };
  }

  /** Phases 2 and 3: rows, by the hook (one round trip per batch) or the decoder; then, in order, counts. */
  async #count(pending: readonly Pending[], letters: Array<DeadLetter | undefined>): Promise<void> {
    const { decoder, layout, preprocessor } = this.#o;
    // without a hook, the decoder's fast path (if it has one) puts rows into the window's profile as it decodes them
    const into = preprocessor === undefined ? decoder.rowsInto?.bind(decoder) : undefined;
    const rows = into === undefined ? await this.#rows(pending) : undefined;
    pending.forEach((p, i) => {
      const profile = p.window.profile;
      let r: CountedOutcome;
      if (into !== undefined) {
        const d = into(p.record, layout, profile);
        r = d.ok ? { ok: true, rows: d.value } : { ok: false, hook: false, reason: d.reason, detail: d.detail };
      } else {
        const o = rows?.[i] as RowsOutcome;
        // JSON object keys (marked by the decoder) are matched to the baseline at close (alignKeyedColumns); a preprocess
        // hook's rows are matched by name, its contract (docs/monitoring.md, Hooks)
        if (o.ok) for (const row of o.rows) profile.addObjectRow(row, preprocessor === undefined ? objectKeysOf(row) : undefined);
        r = o.ok ? { ok: true, rows: o.rows.length } : o;
      }
      const counts = p.window.counts;
      if (!r.ok) {
        if (r.hook) {
          bump(counts.hook_errors, r.reason);
          this.#o.onHookError?.(r.reason, r.detail, formatPosition(p.source.position));
        } else {
          bump(counts.malformed, r.reason);
        }
        letters[p.slot] = deadLetter(p.source, r.reason, r.detail);
        return;
      }
      if (r.rows === 0) {
        bump(counts.skipped, SKIP_DROPPED);
        return;
      }
      counts.records++;
      counts.items += r.rows;
    });
    // the profiles hold positional rows in column blocks (DatasetProfile.addPositionalRow): count
    // them now, with the batch, rather than in the close of their window
    for (const p of pending) p.window.profile.flush();
  }

  /**
   * End of input: decides the records still waiting for confirmation (a partition's only timed
   * record is taken as is; a jump no later record confirmed is implausible), then closes every
   * open window.
   */
  async finish(): Promise<BatchResult> {
    const wm = this.#o.windows;
    const letters: Array<DeadLetter | undefined> = [];
    const pending: Pending[] = [];
    const held = [...this.#held.values()];
    this.#held.clear();
    held.forEach((h, i) => {
      const state = wm.partition(h.source.partition);
      if (!Number.isFinite(state.maxEventMs) && !wm.isLate(state, h.eventMs)) {
        const window = wm.windowFor(state, h.eventMs);
        wm.touch(window, h.source.position);
        pending.push({ ...h, slot: i, window });
        return;
      }
      const w = wm.attributionTarget(state);
      bump(w.counts.malformed, IMPLAUSIBLE_EVENT_TIME);
      wm.touch(w, h.source.position);
      letters[i] = deadLetter(h.source, IMPLAUSIBLE_EVENT_TIME, unconfirmedDetail(h.eventMs, state.maxEventMs, undefined, this.#plausibility));
    });
    await this.#count(pending, letters);
    return { closed: wm.closeAll(), deadLetters: letters.filter((d): d is DeadLetter => d !== undefined) };
  }

  /** Closes every open window (the monitor's idle close; replay ends with `finish`). */
  closeAll(): ClosedWindow[] {
    return this.#o.windows.closeAll();
  }

  async #rows(pending: readonly Pending[]): Promise<RowsOutcome[]> {
    const { preprocessor: pre, decoder, layout } = this.#o;
    if (pre === undefined) {
      return pending.map((p) => {
        const r = decoder.rows(p.record, layout);
        return r.ok ? { ok: true, rows: r.value } : { ok: false, hook: false, reason: r.reason, detail: r.detail };
      });
    }
    if (pending.length === 0) return [];
    const contexts = pending.map((p): { record: unknown; context: PreprocessContext } => ({
      record: p.record,
      context: {
        position: formatPosition(p.source.position),
        event_time: isoSeconds(p.eventMs),
        feature_names: layout.featureNames,
        default_rows: ((r) => (r.ok ? r.value : null))(decoder.rows(p.record, layout)),
      },
    }));
    const outcomes = await pre.run(contexts);
    return outcomes.map((o) => (o.ok ? { ok: true, rows: o.rows } : { ok: false, hook: true, reason: o.kind, detail: o.detail }));
  }
}

/** A record's dead letter: its text and, where the source has them, its exact bytes. */
function deadLetter(s: SourceRecord, reason: string, detail: string): DeadLetter {
  const letter: DeadLetter = { reason, detail, position: s.position, record: s.value };
  if (s.bytes !== undefined) letter.bytes = s.bytes;
  if (s.bytes !== undefined && s.size !== undefined && s.size > s.bytes.length) letter.originalSize = s.size;
  return letter;
}

type RowsFailure = { ok: false; hook: boolean; reason: string; detail: string };
type RowsOutcome = { ok: true; rows: FeatureRow[] } | RowsFailure;
/** A record's rows once counted into its window's profile: how many, or why none. */
type CountedOutcome = { ok: true; rows: number } | RowsFailure;
