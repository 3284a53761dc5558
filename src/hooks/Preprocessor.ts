import type { FeatureRow } from "../records/featureRow.js";

/** What a preprocess hook sees besides the record. */
export interface PreprocessContext {
  /** "file:line" or "topic[partition]@offset". */
  position: string;
  /** Event time of the record (ISO-8601 UTC). */
  event_time: string;
  /** Baseline feature names in order. */
  feature_names: readonly string[];
  /**
   * The rows dqstream would read from the record without a hook (the record format's rows by the
   * baseline layout: RecordDecoder.rows), or null when they cannot be decoded: a hook can filter
   * or amend them instead of decoding payloads itself.
   */
  default_rows: FeatureRow[] | null;
}

export type PreprocessOutcome =
  { ok: true; rows: FeatureRow[] } | { ok: false; kind: "preprocess_error" | "preprocess_timeout" | "preprocess_invalid_result"; detail: string };

/**
 * Runs the user's `preprocess(record, context)` over a batch, in order. `record` is the record as
 * its RecordDecoder decoded it (src/records/RecordDecoder.ts; for SageMaker capture, the capture
 * record as read). Never rejects for a hook's
 * fault: each record's failure (throw, timeout, a result that is not a flat object, an array of
 * them, null or []) comes back as an outcome.
 */
export interface Preprocessor {
  run(items: ReadonlyArray<{ record: unknown; context: PreprocessContext }>): Promise<PreprocessOutcome[]>;
  close(): Promise<void>;
}
