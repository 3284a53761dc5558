import { CategoryCounts } from "../sketches/categoryCounts.js";
import { HyperLogLog } from "../sketches/hyperLogLog.js";
import { KllSketch } from "../sketches/kllSketch.js";
import { Moments } from "../sketches/moments.js";
import { expectVersion, SketchStateError, type Mergeable } from "../sketches/Sketch.js";
import { classifyRaw, classifyString, parseNumeric, ValueKind, type RawValue } from "../records/valueType.js";

/** Sketch parameters shared by every feature of a profile; merged profiles must agree on them. */
export interface SketchOptions {
  /** Distinct values counted exactly per feature before switching to heavy hitters. */
  readonly category_cap: number;
  readonly hll_precision: number;
  readonly kll_k: number;
  readonly kll_c: number;
}

export const DEFAULT_SKETCH_OPTIONS: SketchOptions = Object.freeze({
  category_cap: CategoryCounts.DEFAULT_CAP,
  hll_precision: HyperLogLog.DEFAULT_PRECISION,
  kll_k: KllSketch.DEFAULT_K,
  kll_c: KllSketch.DEFAULT_C,
});

/**
 * One feature's accumulator within one profile (a dataset, or a window of one partition).
 *
 * Counts by value kind (Deequ's rules), numeric moments and a KLL quantile sketch over the values
 * that parse as finite numbers, a HyperLogLog and category counts over the text of every present
 * value. The feature's `inferred_type` is only known at the end (one String value makes the whole
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
  hll: HyperLogLog;
  categories: CategoryCounts;

  constructor(name: string, options: SketchOptions = DEFAULT_SKETCH_OPTIONS) {
    this.name = name;
    this.options = options;
    this.kinds = new Float64Array(5);
    this.moments = new Moments();
    this.kll = new KllSketch(options.kll_k, options.kll_c);
    this.hll = new HyperLogLog(options.hll_precision);
    this.categories = new CategoryCounts(options.category_cap);
  }

  static empty(name: string, options?: SketchOptions): FeatureProfile {
    return new FeatureProfile(name, options);
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
    if (kind === ValueKind.Integral || kind === ValueKind.Fractional) this.#numeric(parseNumeric(s));
    this.hll.add(s);
    this.categories.add(s);
    return kind;
  }

  /** Typed values (JSON). Arrays and objects count as String with their JSON text as value. */
  update(v: RawValue): ValueKind {
    if (typeof v === "string") return this.updateString(v);
    const kind = classifyRaw(v);
    this.kinds[kind]! += 1;
    if (kind === ValueKind.Missing) return kind;
    if (typeof v === "number") this.#numeric(v);
    const text = typeof v === "object" ? JSON.stringify(v) : String(v);
    this.hll.add(text);
    this.categories.add(text);
    return kind;
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
    const hll = HyperLogLog.deserialize(s["hll"]);
    const categories = CategoryCounts.deserialize(s["categories"]);
    const out = new FeatureProfile(s["name"], {
      category_cap: categories.cap,
      hll_precision: hll.precision,
      kll_k: kll.k,
      kll_c: kll.c,
    });
    out.kinds.set(kinds as number[]);
    out.nonFinite = typeof s["non_finite"] === "number" ? s["non_finite"] : 0;
    out.moments = moments;
    out.kll = kll;
    out.hll = hll;
    out.categories = categories;
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
}
