import { HyperLogLog } from "../sketches/hyperLogLog.js";
import { expectVersion, SketchStateError, type Mergeable } from "../sketches/Sketch.js";
import type { RawValue } from "../records/valueType.js";
import { positionalRow } from "../records/featureRow.js";
import { DEFAULT_SKETCH_OPTIONS, FeatureProfile, type SketchOptions } from "./FeatureProfile.js";

/**
 * How many features one profile may hold (max_features): the `reserved` ones (the baseline's)
 * always, and other names in first-seen order while fewer than `maxFeatures − |reserved|` of them
 * are held. Values of names past the limit are not profiled: they are counted in `notProfiled`, so
 * memory stays bounded whatever the input (one record with 100,000 keys).
 */
export interface FeatureLimit {
  readonly maxFeatures: number;
  readonly reserved: ReadonlySet<string>;
}

/**
 * Positional rows held before their values go into the features, in values (rows × columns) and
 * in rows. Updating column by column over a block of rows keeps one feature's sketches in cache
 * while its values go in; row by row, a wide profile touches every feature's state per row (at
 * 500 features that is megabytes of Maps and KLL levels, and most updates miss the cache).
 * Measured in bench/README.md ("Issue 12": exact counts' share of the monitor 22.9 → 12.9 %).
 */
const BLOCK_VALUES = 1 << 16;
const BLOCK_ROWS = 256;

/** Precision of the HyperLogLog estimating how many distinct names were not profiled (4 KiB, σ 1.6 %). */
const NOT_PROFILED_PRECISION = 12;

/** Values of features over the limit: how many, and an estimate of how many distinct names. */
export class NotProfiled {
  values = 0;
  names: HyperLogLog = new HyperLogLog(NOT_PROFILED_PRECISION);

  add(name: string, values: number): void {
    this.values += values;
    this.names.add(name);
  }

  merge(other: NotProfiled): NotProfiled {
    const out = new NotProfiled();
    out.values = this.values + other.values;
    out.names = this.names.merge(other.names);
    return out;
  }

  /** Distinct names not profiled, estimated (rounded; 0 when none). */
  distinctNames(): number {
    return this.values === 0 ? 0 : Math.max(1, Math.round(this.names.estimate()));
  }
}

/**
 * The profile of a dataset or of one window: the number of rows (`item_count`) and one
 * FeatureProfile per feature, in first-seen order (CSV column order, which positional matching of
 * captured CSV rows relies on).
 *
 * A feature absent from a row counts as missing in that row: num_missing = item_count −
 * num_present. Merge keeps the left operand's feature order and appends features only the right
 * one has; the determinism rules fix the operand order (by topic, then partition). With a
 * FeatureLimit, features past it are counted in `notProfiled` instead (in a merge too, in that
 * order), so which names are profiled is a function of the rows and the merge order.
 */
export class DatasetProfile implements Mergeable<DatasetProfile> {
  readonly options: SketchOptions;
  readonly limit: FeatureLimit | undefined;
  itemCount = 0;
  readonly #features = new Map<string, FeatureProfile>();
  readonly notProfiled = new NotProfiled();
  /**
   * Features named by a JSON object key (or a preprocess hook's result) rather than by baseline
   * position, in first-seen order: SageMaker matches them to the baseline by sorted position when
   * the window closes (alignKeyedColumns). A union in merges.
   */
  readonly keyed = new Set<string>();
  /** Features held that are not reserved. */
  #unreserved = 0;

  constructor(options: SketchOptions = DEFAULT_SKETCH_OPTIONS, limit?: FeatureLimit) {
    this.options = options;
    this.limit = limit;
  }

  static empty(options?: SketchOptions): DatasetProfile {
    return new DatasetProfile(options);
  }

  /**
   * The features, in first-seen order. Reading them puts every held positional row in first:
   * whoever reads a feature sees every row added before.
   */
  get features(): Map<string, FeatureProfile> {
    this.flush();
    return this.#features;
  }

  /** The feature's accumulator, created if the limit allows; undefined past the limit. */
  #admit(name: string): FeatureProfile | undefined {
    let f = this.#features.get(name);
    if (f !== undefined) return f;
    const limit = this.limit;
    if (limit !== undefined && !limit.reserved.has(name)) {
      if (this.#unreserved >= limit.maxFeatures - limit.reserved.size) return undefined;
      this.#unreserved++;
    }
    f = new FeatureProfile(name, this.options);
    this.#features.set(name, f);
    return f;
  }

  /** A feature's accumulator, created if needed; past the limit, a throw-away one that counts nowhere. */
  feature(name: string): FeatureProfile {
    this.flush();
    return this.#admit(name) ?? new FeatureProfile(name, this.options);
  }

  /** Resolves feature accumulators for a fixed column layout once, for the CSV hot path. */
  columns(names: readonly string[]): FeatureProfile[] {
    return names.map((n) => this.feature(n));
  }

  /** One row of text fields, positionally matched to `columns`. Extra fields are ignored. */
  addTextRow(columns: readonly FeatureProfile[], fields: readonly string[]): void {
    this.flush();
    this.itemCount++;
    const n = Math.min(columns.length, fields.length);
    for (let i = 0; i < n; i++) (columns[i] as FeatureProfile).updateString(fields[i] as string);
  }

  /**
   * One row as a flat object of feature name → value; names past the limit are counted, not
   * profiled. `keyed` says which names are object keys (all of them, or those in the set).
   */
  addObjectRow(row: Readonly<Record<string, RawValue>>, keyed?: ReadonlySet<string> | "all"): void {
    this.flush();
    this.itemCount++;
    for (const key of Object.keys(row)) {
      const f = this.#admit(key);
      if (f === undefined) this.notProfiled.add(key, 1);
      else {
        f.update(row[key]);
        if (keyed !== undefined && (keyed === "all" || keyed.has(key))) this.keyed.add(key);
      }
    }
  }

  /**
   * One row of positional fields named by `names` (past its end `_c<i>`): counted exactly as
   * `addObjectRow` counts the object of those names and values, without building it. The columns
   * are resolved once per layout and row length; a layout where the object would differ (a name
   * given twice, or an array-index name, which objects order first) takes the object path.
   *
   * The row is held (the profile keeps `fields`: the caller must not change it afterwards) and its
   * values go into the features a block of rows at a time, column by column (BLOCK_VALUES and
   * BLOCK_ROWS bound a block), or
   * when anything reads or adds otherwise. Each feature still takes its values in row order, so
   * the result is the same, bit for bit, as row by row.
   */
  addPositionalRow(names: readonly string[], fields: readonly RawValue[]): void {
    let c = this.#positional;
    if (c === undefined || c.names !== names || c.length !== fields.length) {
      this.flush();
      c = this.#resolvePositional(names, fields.length);
      this.#positional = c;
    }
    const columns = c.columns;
    if (columns === undefined) {
      this.addObjectRow(positionalRow(fields, names));
      return;
    }
    this.itemCount++;
    for (const p of c.unprofiled) this.notProfiled.add(p < names.length ? (names[p] as string) : `_c${p}`, 1);
    this.#held.push(fields);
    if (this.#held.length >= c.blockRows) this.flush();
  }

  /** Held positional rows, all of the layout `#positional`. */
  #held: Array<readonly RawValue[]> = [];

  /**
   * Puts the held rows' values into their features, column by column. Readers need not call it
   * (every read does); the engine calls it after each batch, so that a window's close does not
   * do the counting of its last rows.
   */
  flush(): void {
    const rows = this.#held;
    if (rows.length === 0) return;
    this.#held = [];
    const columns = (this.#positional as { columns: Array<FeatureProfile | undefined> }).columns;
    for (let p = 0; p < columns.length; p++) {
      const f = columns[p];
      if (f === undefined) continue;
      for (let r = 0; r < rows.length; r++) f.update((rows[r] as readonly RawValue[])[p]);
    }
  }

  #positional: PositionalLayout | undefined;

  #resolvePositional(names: readonly string[], length: number): PositionalLayout {
    const resolved: string[] = [];
    for (let p = 0; p < length; p++) resolved.push(p < names.length ? (names[p] as string) : `_c${p}`);
    const safe = new Set(resolved).size === resolved.length && !resolved.some(isArrayIndex);
    const blockRows = Math.max(1, Math.min(BLOCK_ROWS, Math.floor(BLOCK_VALUES / Math.max(1, length))));
    if (!safe) return { names, length, columns: undefined, unprofiled: [], blockRows };
    const columns = resolved.map((n) => this.#admit(n));
    const unprofiled: number[] = [];
    columns.forEach((f, p) => {
      if (f === undefined) unprofiled.push(p);
    });
    return { names, length, columns, unprofiled, blockRows };
  }

  /** Adds a feature's accumulator as is (a merge result), or counts its values when past the limit. */
  #place(f: FeatureProfile): void {
    const limit = this.limit;
    if (limit !== undefined && !limit.reserved.has(f.name)) {
      if (this.#unreserved >= limit.maxFeatures - limit.reserved.size) {
        let values = 0;
        for (const k of f.kinds) values += k;
        this.notProfiled.add(f.name, values);
        return;
      }
      this.#unreserved++;
    }
    this.#features.set(f.name, f);
  }

  merge(other: DatasetProfile): DatasetProfile {
    const out = new DatasetProfile(this.options, this.limit ?? other.limit);
    out.itemCount = this.itemCount + other.itemCount;
    for (const [name, f] of this.features) {
      const g = other.features.get(name);
      out.#place(g === undefined ? f.merge(FeatureProfile.empty(name, f.options)) : f.merge(g));
    }
    for (const [name, g] of other.features) {
      if (!this.features.has(name)) out.#place(FeatureProfile.empty(name, g.options).merge(g));
    }
    for (const k of [...this.keyed, ...other.keyed]) if (out.#features.has(k)) out.keyed.add(k);
    const np = out.notProfiled.merge(this.notProfiled).merge(other.notProfiled);
    out.notProfiled.values = np.values;
    out.notProfiled.names = np.names;
    return out;
  }

  serialize(): DatasetProfileState {
    const state: DatasetProfileState = {
      v: 1,
      item_count: this.itemCount,
      options: { ...this.options },
      features: [...this.features.values()].map((f) => f.serialize()),
    };
    if (this.keyed.size > 0) state.keyed = [...this.keyed];
    if (this.notProfiled.values > 0) state.not_profiled = { values: this.notProfiled.values, names: this.notProfiled.names.serialize() };
    return state;
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
      out.#features.set(f.name, f);
    }
    const keyed = s["keyed"];
    if (keyed !== undefined) {
      if (!Array.isArray(keyed) || !keyed.every((k) => typeof k === "string" && out.#features.has(k))) {
        throw new SketchStateError("dataset_profile", "keyed must list names of the profile's features");
      }
      for (const k of keyed as string[]) out.keyed.add(k);
    }
    const np = s["not_profiled"] as { values?: unknown; names?: unknown } | undefined;
    if (np !== undefined) {
      if (typeof np.values !== "number" || !(np.values >= 0)) throw new SketchStateError("dataset_profile", "not_profiled.values must be a count");
      out.notProfiled.values = np.values;
      out.notProfiled.names = HyperLogLog.deserialize(np.names);
    }
    return out;
  }
}

export interface DatasetProfileState {
  v: 1;
  item_count: number;
  options: SketchOptions;
  features: unknown[];
  /** Features named by object keys (absent when none). */
  keyed?: string[];
  /** Values of features past the FeatureLimit (absent when none). */
  not_profiled?: { values: number; names: unknown };
}

/**
 * A positional layout resolved to features: `columns` (undefined when rows of it take the object
 * path), the positions past the feature limit, and how many rows are held before a flush.
 */
interface PositionalLayout {
  readonly names: readonly string[];
  readonly length: number;
  readonly columns: Array<FeatureProfile | undefined> | undefined;
  readonly unprofiled: readonly number[];
  readonly blockRows: number;
}

/** Whether a property name is an array index, which objects list first, ascending (ECMA-262 OrdinaryOwnPropertyKeys). */
function isArrayIndex(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1;
}
