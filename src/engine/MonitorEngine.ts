import {
  captureRows,
  inferenceTimeMs,
  isShadowTraffic,
  parseCaptureRecord,
  type CaptureRecord,
  type FeatureLayout,
  type FeatureRow,
} from "../records/captureRecord.js";
import type { DeadLetter } from "../sinks/DeadLetterSink.js";
import { formatPosition, type PartitionKey, type SourceRecord } from "../sources/Source.js";
import { bump } from "../windows/WindowCounts.js";
import type { ClosedWindow, PartitionWindow, WindowManager } from "../windows/WindowManager.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import type { PreprocessContext, Preprocessor } from "./Preprocessor.js";

export interface MonitorEngineOptions {
  readonly windows: WindowManager;
  readonly layout: FeatureLayout;
  /** When a record has no usable inferenceTime, use the source's timestamp (if it has one). */
  readonly fallbackToSourceTimestamp: boolean;
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

/** Reasons for skipped records (counted, not dead-lettered: they are ignored on purpose). */
export const SKIP_SHADOW = "shadow traffic";
export const SKIP_DROPPED = "dropped by preprocessor";

interface Pending {
  /** Index in the batch. */
  index: number;
  source: SourceRecord;
  record: CaptureRecord;
  eventMs: number;
  window: PartitionWindow;
}

/**
 * The monitoring engine, independent of where records come from: captured records in, closed
 * windows out. `process` takes a batch in source order; within a partition records must come in
 * position order. The outcome depends only on each partition's record sequence (see
 * WindowManager), not on batch boundaries.
 *
 * Per record: parse → shadow traffic (counted as skipped where late and malformed records are) → event time (inferenceTime, else the source timestamp
 * if allowed) → late? → its window → rows (preprocess hook, or the payload decoded by the baseline
 * layout) → the window's profile. Nothing is dropped silently: every record is counted in some
 * window's counts, and those not counted in statistics go to the dead letters.
 */
export class MonitorEngine {
  readonly #o: MonitorEngineOptions;

  constructor(options: MonitorEngineOptions) {
    this.#o = options;
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
    // by batch index, so that dead letters of phase 1 and phase 3 come out in input order
    const letters: Array<DeadLetter | undefined> = [];
    const pending: Pending[] = [];
    const dead = (i: number, s: SourceRecord, w: PartitionWindow, reason: string, detail: string, late = false): void => {
      if (late) w.counts.late++;
      else bump(w.counts.malformed, reason);
      wm.touch(w, s.position);
      letters[i] = { reason, detail, position: s.position, record: s.value };
    };

    // Phase 1, in order: parse, event time, lateness, window. A record re-read after a restart
    // and already counted in a window reported before it is skipped silently (the `…IsReread`
    // and `isReread` tests; docs/design-monitor.md).
    for (const [i, s] of batch.entries()) {
      const state = wm.partition(s.partition);
      const at = s.position;
      wm.seen(state, at);
      const parsed = parseCaptureRecord(s.value);
      if (!parsed.ok) {
        if (wm.attributionIsReread(state, at)) continue;
        dead(i, s, wm.attributionTarget(state), parsed.reason, parsed.detail);
        continue;
      }
      const record = parsed.value;
      if (isShadowTraffic(record)) {
        // ignored on purpose, counted where the partition's other uncounted records are
        if (wm.attributionIsReread(state, at)) continue;
        const w = wm.attributionTarget(state);
        bump(w.counts.skipped, SKIP_SHADOW);
        wm.touch(w, at);
        continue;
      }
      let eventMs = inferenceTimeMs(record);
      if (eventMs === undefined && this.#o.fallbackToSourceTimestamp && s.timestampMs !== undefined) eventMs = s.timestampMs;
      if (eventMs === undefined) {
        if (wm.attributionIsReread(state, at)) continue;
        const t = record.eventMetadata?.inferenceTime;
        dead(i, s, wm.attributionTarget(state), "missing event time", t === undefined ? "no eventMetadata.inferenceTime and no source timestamp" : `unparsable eventMetadata.inferenceTime ${JSON.stringify(t)}`);
        continue;
      }
      if (wm.isLate(state, eventMs, at)) {
        if (wm.attributionIsReread(state, at)) continue;
        // late by the partition's own watermark, or because its window had closed already (the
        // partition was first seen, or re-assigned, after that): its watermark may then be −∞
        const watermark = wm.watermark(state);
        const why =
          eventMs < watermark
            ? `is before the partition's watermark ${isoSeconds(watermark)}`
            : `is in a window already closed (windows are closed up to ${isoSeconds(state.closedUpToMs)})`;
        dead(i, s, wm.attributionTarget(state), "late", `event time ${isoSeconds(eventMs)} ${why}`, true);
        continue;
      }
      if (wm.isReread(state, eventMs, at)) {
        wm.advance(state, eventMs); // as windowFor did the first time
        continue;
      }
      const window = wm.windowFor(state, eventMs);
      wm.touch(window, at);
      pending.push({ index: i, source: s, record, eventMs, window });
    }

    // Phase 2: rows, by the hook (one round trip per batch) or by the baseline layout.
    const rows = await this.#rows(pending);

    // Phase 3, in order: count.
    pending.forEach((p, i) => {
      const r = rows[i] as RowsOutcome;
      const counts = p.window.counts;
      if (!r.ok) {
        if (r.hook) {
          bump(counts.hook_errors, r.reason);
          this.#o.onHookError?.(r.reason, r.detail, formatPosition(p.source.position));
        } else {
          bump(counts.malformed, r.reason);
        }
        letters[p.index] = { reason: r.reason, detail: r.detail, position: p.source.position, record: p.source.value };
        return;
      }
      if (r.rows.length === 0) {
        bump(counts.skipped, SKIP_DROPPED);
        return;
      }
      counts.records++;
      counts.items += r.rows.length;
      for (const row of r.rows) p.window.profile.addObjectRow(row);
    });

    const deadLetters = letters.filter((d): d is DeadLetter => d !== undefined);
    return { closed: wm.closeReady(active), deadLetters };
  }

  /** Closes every open window: end of input. */
  closeAll(): ClosedWindow[] {
    return this.#o.windows.closeAll();
  }

  async #rows(pending: readonly Pending[]): Promise<RowsOutcome[]> {
    const pre = this.#o.preprocessor;
    if (pre === undefined) {
      return pending.map((p) => {
        const r = captureRows(p.record, this.#o.layout);
        return r.ok ? { ok: true, rows: r.value } : { ok: false, hook: false, reason: r.reason, detail: r.detail };
      });
    }
    if (pending.length === 0) return [];
    const contexts = pending.map(
      (p): { record: CaptureRecord; context: PreprocessContext } => ({
        record: p.record,
        context: {
          position: formatPosition(p.source.position),
          event_time: isoSeconds(p.eventMs),
          feature_names: this.#o.layout.featureNames,
          default_rows: ((r) => (r.ok ? r.value : null))(captureRows(p.record, this.#o.layout)),
        },
      }),
    );
    const outcomes = await pre.run(contexts);
    return outcomes.map((o) => (o.ok ? { ok: true, rows: o.rows } : { ok: false, hook: true, reason: o.kind, detail: o.detail }));
  }
}

type RowsOutcome = { ok: true; rows: FeatureRow[] } | { ok: false; hook: boolean; reason: string; detail: string };
