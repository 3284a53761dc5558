import { BoundedExactCounts } from "../sketches/boundedExactCounts.js";
import { CategoryCounts } from "../sketches/categoryCounts.js";
import { DeequHyperLogLog } from "../sketches/deequHyperLogLog.js";
import { KllSketch } from "../sketches/kllSketch.js";
import { Moments } from "../sketches/moments.js";
import { expectVersion, SketchStateError, type Mergeable } from "../sketches/Sketch.js";
import { classifyRaw, classifyString, parseNumeric, ValueKind, type RawValue } from "../records/valueType.js";

/** Sketch parameters shared by every feature of a profile; merged profiles must agree on them. */
export interface SketchOptions {
  /** Distinct values counted exactly per feature before switching to heavy hitters. */
  readonly category_cap: number;
  readonly kll_k: number;
  readonly kll_c: number;
}

export const DEFAULT_SKETCH_OPTIONS: SketchOptions = Object.freeze({
  category_cap: CategoryCounts.DEFAULT_CAP,
  kll_k: KllSketch.DEFAULT_K,
  kll_c: KllSketch.DEFAULT_C,
});

/**
 * One feature's accumulator within one profile (a dataset, or a window of one partition).
 *
 * Counts by value kind (Deequ's rules), numeric moments and a KLL quantile sketch over the values
 * that parse as finite numbers, Deequ's HyperLogLog++ (SageMaker's distinct counts) and category
 * counts over the text of every present value. The feature's `inferred_type` is only known at the end (one String value makes the whole
 * column String), so every present value feeds both the numeric and the categorical side.
 *
 * Missing values counted here are explicit ones (null, empty, white space); rows in which the
 * feature is absent are missing too, which the enclosing DatasetProfile derives from its
 * item_count.
 */
export class FeatureProfile implements Mergeable<FeatureProfile> {
  readonly name: string;
  readonly options: SketchOptions;
  /** Values seen, indexed by ValueKind (Missing, Integral, Fractional, Boolean, String). */
  readonly kinds: Float64Array;
  /** Values typed Integral/Fractional whose number is not finite (e.g. "1e400"); not in moments/kll. */
  nonFinite = 0;
  moments: Moments;
  kll: KllSketch;
  hll: DeequHyperLogLog;
  /** Counts of the present values that are not numeric (String, Boolean): Misra–Gries past the cap. */
  categories: CategoryCounts;
  /** Counts of the numeric values, exact up to the cap, then only their total. */
  numericCategories: BoundedExactCounts;

  constructor(name: string, options: SketchOptions = DEFAULT_SKETCH_OPTIONS) {
    this.name = name;
    this.options = options;
    this.kinds = new Float64Array(5);
    this.moments = new Moments();
    this.kll = new KllSketch(options.kll_k, options.kll_c);
    this.hll = new DeequHyperLogLog();
    this.categories = new CategoryCounts(options.category_cap);
    this.numericCategories = new BoundedExactCounts(options.category_cap);
  }

  static empty(name: string, options?: SketchOptions): FeatureProfile {
    return new FeatureProfile(name, options);
  }

  /** The same accumulator under another name (sketches shared, not copied: the result owns them). */
  withName(name: string): FeatureProfile {
    const out = new FeatureProfile(name, this.options);
    out.kinds.set(this.kinds);
    out.nonFinite = this.nonFinite;
    out.moments = this.moments;
    out.kll = this.kll;
    out.hll = this.hll;
    out.categories = this.categories;
    out.numericCategories = this.numericCategories;
    return out;
  }

  get numPresent(): number {
    const k = this.kinds;
    return (k[1] as number) + (k[2] as number) + (k[3] as number) + (k[4] as number);
  }

  get numMissingExplicit(): number {
    return this.kinds[ValueKind.Missing] as number;
  }

  /** Hot path for text values (CSV fields, JSON strings). Returns the value's kind. */
  updateString(s: string): ValueKind {
    const kind = classifyString(s);
    this.kinds[kind]! += 1;
    if (kind === ValueKind.Missing) return kind;
    if (kind === ValueKind.Integral || kind === ValueKind.Fractional) {
      this.#numeric(parseNumeric(s));
      this.#countNumericText(s);
    } else {
      this.#countText(s);
    }
    return kind;
  }

  /** Typed values (JSON). Arrays and objects count as String with their JSON text as value. */
  update(v: RawValue): ValueKind {
    if (typeof v === "string") return this.updateString(v);
    const kind = classifyRaw(v);
    this.kinds[kind]! += 1;
    if (kind === ValueKind.Missing) return kind;
    const text = v !== null && typeof v === "object" ? jsonText(v) : String(v);
    if (typeof v === "number") {
      this.#numeric(v);
      this.#countNumericText(text);
    } else {
      this.#countText(text);
    }
    return kind;
  }

  /**
   * Counts of the present values by text: the non-numeric values' summary joined with the numeric
   * values' exact counts (disjoint: a text's kind is a function of the text), at most `cap` of
   * them by descending count, then value. `rest` is what they leave out; `exact` holds while every
   * value is listed with its exact count. `unlisted` (part of `rest`) counts the numeric values of
   * a feature with more than `cap` distinct ones, which are only counted: no bucket bounds them.
   */
  categorySummary(): { buckets: Array<[string, number]>; rest: number; exact: boolean; total: number; unlisted: number } {
    const s = this.categories.summary();
    const numeric = this.numericCategories;
    const total = this.categories.total + numeric.total;
    if (numeric.total === 0) return { buckets: s.buckets, rest: s.rest, exact: s.exact, total, unlisted: 0 };
    if (numeric.overflowed) return { buckets: s.buckets, rest: s.rest + numeric.total, exact: false, total, unlisted: numeric.total };
    const all = [...s.buckets, ...numeric.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const cap = this.options.category_cap;
    const buckets = all.length > cap ? all.slice(0, cap) : all;
    let covered = 0;
    for (const [, c] of buckets) covered += c;
    return { buckets, rest: total - covered, exact: s.exact && all.length <= cap, total, unlisted: 0 };
  }

  /*
   * The HyperLogLog holds only the values the exact counts no longer account for: a value is
   * hashed once its side (numeric / other) has left exact mode, and at that moment every value the
   * side had counted is hashed too. So keys(exact side) ∪ values(HLL) is always the set of all
   * present values, the HLL of all values is hll ∪ HLL(exact keys) (`distinctEstimate`), and a
   * low-cardinality feature never pays for hashing.
   */
  #countText(text: string): void {
    if (this.categories.exact) {
      if (this.categories.add(text)) for (const k of this.categories.keys()) this.hll.add(k);
    } else {
      this.categories.add(text);
      this.hll.add(text);
    }
  }

  #countNumericText(text: string): void {
    if (this.numericCategories.overflowed) {
      this.numericCategories.add(text);
      this.hll.add(text);
      return;
    }
    const released = this.numericCategories.add(text);
    if (released !== undefined) for (const k of released) this.hll.add(k);
  }

  /**
   * Estimated number of distinct present values as SageMaker computes it: Deequ's HyperLogLog++
   * over the text of every value (an integer, e.g. 53 for 54 distinct states).
   */
  distinctEstimate(): number {
    let hll = this.hll;
    if (this.categories.exact || !this.numericCategories.overflowed) {
      hll = hll.merge(DeequHyperLogLog.empty());
      if (this.categories.exact) for (const k of this.categories.keys()) hll.add(k);
      for (const k of this.numericCategories.keys()) hll.add(k);
    }
    return hll.estimate();
  }

  #numeric(x: number): void {
    if (Number.isFinite(x)) {
      this.moments.update(x);
      this.kll.update(x);
    } else {
      this.nonFinite++;
    }
  }

  merge(other: FeatureProfile): FeatureProfile {
    if (other.name !== this.name) throw new RangeError(`cannot merge feature "${this.name}" with "${other.name}"`);
    const out = new FeatureProfile(this.name, this.options);
    for (let i = 0; i < 5; i++) out.kinds[i] = (this.kinds[i] as number) + (other.kinds[i] as number);
    out.nonFinite = this.nonFinite + other.nonFinite;
    out.moments = this.moments.merge(other.moments);
    out.kll = this.kll.merge(other.kll);
    out.hll = this.hll.merge(other.hll);
    out.categories = this.categories.merge(other.categories);
    out.numericCategories = this.numericCategories.merge(other.numericCategories);
    // keep the invariant of #countText: a side that leaves exact mode in the merge hands its
    // values to the HyperLogLog
    for (const side of [this, other]) {
      if (side.categories.exact && !out.categories.exact) for (const k of side.categories.keys()) out.hll.add(k);
      if (!side.numericCategories.overflowed && out.numericCategories.overflowed) for (const k of side.numericCategories.keys()) out.hll.add(k);
    }
    return out;
  }

  serialize(): FeatureProfileState {
    return {
      v: 1,
      name: this.name,
      kinds: Array.from(this.kinds),
      non_finite: this.nonFinite,
      moments: this.moments.serialize(),
      kll: this.kll.serialize(),
      hll: this.hll.serialize(),
      categories: this.categories.serialize(),
      numeric_categories: this.numericCategories.serialize(),
    };
  }

  static deserialize(state: unknown): FeatureProfile {
    const s = expectVersion("feature_profile", state, 1);
    if (typeof s["name"] !== "string") throw new SketchStateError("feature_profile", "name must be a string");
    const kinds = s["kinds"];
    if (!Array.isArray(kinds) || kinds.length !== 5 || !kinds.every((x) => typeof x === "number")) {
      throw new SketchStateError("feature_profile", "kinds must be 5 numbers");
    }
    const moments = Moments.deserialize(s["moments"]);
    const kll = KllSketch.deserialize(s["kll"]);
    const hll = DeequHyperLogLog.deserialize(s["hll"]);
    const categories = CategoryCounts.deserialize(s["categories"]);
    const numericCategories = BoundedExactCounts.deserialize(s["numeric_categories"]);
    const out = new FeatureProfile(s["name"], {
      category_cap: categories.cap,
      kll_k: kll.k,
      kll_c: kll.c,
    });
    out.kinds.set(kinds);
    out.nonFinite = typeof s["non_finite"] === "number" ? s["non_finite"] : 0;
    out.moments = moments;
    out.kll = kll;
    out.hll = hll;
    out.categories = categories;
    out.numericCategories = numericCategories;
    return out;
  }
}

export interface FeatureProfileState {
  v: 1;
  name: string;
  kinds: number[];
  non_finite: number;
  moments: unknown;
  kll: unknown;
  hll: unknown;
  categories: unknown;
  numeric_categories: unknown;
}

/** JSON text of an array or object value; values JSON cannot print (BigInt inside) fall back to String. */
function jsonText(v: object): string {
  try {
    return JSON.stringify(v) ?? Object.prototype.toString.call(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
