import { expectVersion, SketchStateError, type Mergeable } from "../sketches/Sketch.js";
import type { RawValue } from "../records/valueType.js";
import { DEFAULT_SKETCH_OPTIONS, FeatureProfile, type SketchOptions } from "./FeatureProfile.js";

/**
 * The profile of a dataset or of one window: the number of rows (`item_count`) and one
 * FeatureProfile per feature, in first-seen order (CSV column order, which positional matching of
 * captured CSV rows relies on).
 *
 * A feature absent from a row counts as missing in that row: num_missing = item_count −
 * num_present. Merge keeps the left operand's feature order and appends features only the right
 * one has; the determinism rules fix the operand order (by topic, then partition).
 */
export class DatasetProfile implements Mergeable<DatasetProfile> {
  readonly options: SketchOptions;
  itemCount = 0;
  readonly features = new Map<string, FeatureProfile>();

  constructor(options: SketchOptions = DEFAULT_SKETCH_OPTIONS) {
    this.options = options;
  }

  static empty(options?: SketchOptions): DatasetProfile {
    return new DatasetProfile(options);
  }

  feature(name: string): FeatureProfile {
    let f = this.features.get(name);
    if (f === undefined) {
      f = new FeatureProfile(name, this.options);
      this.features.set(name, f);
    }
    return f;
  }

  /** Resolves feature accumulators for a fixed column layout once, for the CSV hot path. */
  columns(names: readonly string[]): FeatureProfile[] {
    return names.map((n) => this.feature(n));
  }

  /** One row of text fields, positionally matched to `columns`. Extra fields are ignored. */
  addTextRow(columns: readonly FeatureProfile[], fields: readonly string[]): void {
    this.itemCount++;
    const n = Math.min(columns.length, fields.length);
    for (let i = 0; i < n; i++) (columns[i] as FeatureProfile).updateString(fields[i] as string);
  }

  /** One row as a flat object of feature name → value. */
  addObjectRow(row: Readonly<Record<string, RawValue>>): void {
    this.itemCount++;
    for (const key of Object.keys(row)) this.feature(key).update(row[key]);
  }

  merge(other: DatasetProfile): DatasetProfile {
    const out = new DatasetProfile(this.options);
    out.itemCount = this.itemCount + other.itemCount;
    for (const [name, f] of this.features) {
      const g = other.features.get(name);
      out.features.set(name, g === undefined ? f.merge(FeatureProfile.empty(name, f.options)) : f.merge(g));
    }
    for (const [name, g] of other.features) {
      if (!out.features.has(name)) out.features.set(name, FeatureProfile.empty(name, g.options).merge(g));
    }
    return out;
  }

  serialize(): DatasetProfileState {
    return { v: 1, item_count: this.itemCount, options: { ...this.options }, features: [...this.features.values()].map((f) => f.serialize()) };
  }

  static deserialize(state: unknown): DatasetProfile {
    const s = expectVersion("dataset_profile", state, 1);
    if (typeof s["item_count"] !== "number" || !Array.isArray(s["features"])) {
      throw new SketchStateError("dataset_profile", "item_count and features are required");
    }
    const options = { ...DEFAULT_SKETCH_OPTIONS, ...(s["options"] as Partial<SketchOptions> | undefined) };
    const out = new DatasetProfile(options);
    out.itemCount = s["item_count"];
    for (const fs of s["features"] as unknown[]) {
      const f = FeatureProfile.deserialize(fs);
      out.features.set(f.name, f);
    }
    return out;
  }
}

export interface DatasetProfileState {
  v: 1;
  item_count: number;
  options: SketchOptions;
  features: unknown[];
}
