import type { RawValue } from "./valueType.js";

/** The baseline's column layout, which positional fields are named by. */
export interface FeatureLayout {
  /** Baseline feature names in order: the positions CSV fields map to. */
  featureNames: readonly string[];
  /** Where the output columns sit relative to the inputs (SageMaker's default START). */
  outputColumnsPosition: "START" | "END";
}

/** A row ready for a profile: feature name → value. */
export type FeatureRow = Record<string, RawValue>;

/**
 * The names of a row that are keys of a JSON object (not baseline names given by position):
 * SageMaker matches those to the baseline by position after sorting them as text, over the whole
 * window (src/profiles/alignKeyedColumns.ts, config `json_column_matching`). A decoder marks the
 * rows it builds from JSON objects; rows without such keys have none. A WeakMap, so a row carries
 * nothing extra and the mark goes with the row.
 */
const objectKeys = new WeakMap<FeatureRow, ReadonlySet<string> | "all">();

export function objectKeysOf(row: FeatureRow): ReadonlySet<string> | "all" | undefined {
  return objectKeys.get(row);
}

/** Marks `keys` of `row` (or all its names) as JSON object keys; a set is held, not copied (it may still grow). */
export function markObjectKeys(row: FeatureRow, keys: ReadonlySet<string> | "all"): void {
  objectKeys.set(row, keys);
}

/**
 * Where a decoder can put rows without building an object per row (a window's profile): an
 * object row as `addObjectRow`, or positional fields named by `names` (past its end `_c<i>`), which
 * must count exactly as the object row of those names and values would. The sink may keep `fields`
 * (a profile holds a block of rows before counting them): the caller hands it over and must not
 * change it afterwards.
 */
export interface RowSink {
  addObjectRow(row: FeatureRow, keyed?: ReadonlySet<string> | "all"): void;
  addPositionalRow(names: readonly string[], fields: readonly RawValue[]): void;
}

/**
 * Positional fields as a row: field p named `names[p + offset]`, past the names' end `_c<p + offset>`.
 * No prototype, so a name such as "__proto__" stays a feature.
 */
export function positionalRow(fields: readonly RawValue[], names: readonly string[], offset = 0): FeatureRow {
  const row = Object.create(null) as FeatureRow;
  for (let j = 0; j < fields.length; j++) {
    const p = j + offset;
    row[p < names.length ? (names[p] as string) : `_c${p}`] = fields[j];
  }
  return row;
}
