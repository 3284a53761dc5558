import type * as z from "zod";
import type { ComponentDefinition } from "../components/Component.js";
import type { FeatureLayout, FeatureRow, RowSink } from "./featureRow.js";

/**
 * A decoding step's outcome. A failure's `reason` is the category the record is counted under
 * (window.json `malformed_by_reason`) and dead-lettered with; `detail` says what was wrong.
 */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string; detail: string };

/**
 * A record format: one record's text (SourceRecord.value: a line of a file, a Kafka message or one
 * line of it) → the decoded record `R` → its event time, whether it is skipped, its rows. The engine
 * (src/engine/MonitorEngine.ts) calls the methods in this order, each at most once per record, and
 * knows nothing else of the format:
 *
 *   decode → skipReason → eventTimeMs (→ missingEventTimeDetail when no time is found) → rows
 *
 * `rows` is called only for records that reach a window (not late, not skipped), so a payload is
 * decoded only when it is counted. Every method is pure and never throws on input: anything wrong
 * with the record is a `{ok: false}` outcome. The decoder keeps no state across records; one
 * instance serves every engine of a run.
 *
 * `R` is also what a preprocess hook receives as its `record` (structured-cloned to the hook's
 * worker), so it is plain JSON data, bounded in nesting (jsonLimits.ts).
 */
export interface RecordDecoder<R = unknown> {
  /** The record's text as the decoded record, or why it is none (`invalid JSON`, …). */
  decode(text: string): Decoded<R>;
  /**
   * Why the record is ignored on purpose (e.g. "shadow traffic"): counted under this reason in
   * window.json `skipped`, not dead-lettered. undefined: the record is monitored.
   */
  skipReason(record: R): string | undefined;
  /**
   * The event time the record carries, ms since the epoch; undefined when it has none or it is
   * unusable (the engine then takes the source's timestamp if `fallback_to_source_timestamp`).
   */
  eventTimeMs(record: R): number | undefined;
  /** The dead letter's detail of a record with no event time of its own nor from the source. */
  missingEventTimeDetail(record: R): string;
  /**
   * The record's rows; positional values are named by `layout`. Rows keyed by JSON object keys are
   * marked with markObjectKeys (featureRow.ts) so the window matches them to the baseline as
   * `json_column_matching` says; a row is a fresh object the profile may keep.
   */
  rows(record: R, layout: FeatureLayout): Decoded<FeatureRow[]>;
  /**
   * Optional fast path of `rows` (no preprocess hook): the same rows put into `sink` as they are
   * decoded, positional ones without an object each; the number of rows, or the failure `rows`
   * would give (then nothing was put). Counting through it must equal counting `rows`' result.
   */
  rowsInto?(record: R, layout: FeatureLayout, sink: RowSink): Decoded<number>;
}

/** What a decoder is built with: nothing from the run yet (its options are its config section). */
export type RecordDecoderContext = Record<string, never>;

/**
 * A record format as a component (src/components/Component.ts): kind "record_decoder"; `name` is
 * its `record_format` value; `schema` validates its options, the section at `configKey` (every
 * option has a default: the section may be absent). Registered in src/records/decoders/index.ts.
 */
export type RecordDecoderDefinition<S extends z.ZodObject = z.ZodObject> = ComponentDefinition<S, RecordDecoderContext, RecordDecoder>;
