import { ExactSum } from "./exactSum.js";
import { expectVersion, SketchStateError, type Mergeable } from "./Sketch.js";

/**
 * Count, exact sum, min, max and the running mean and second central moment of numeric values.
 *
 * Updates follow Welford (1962); merges follow Chan, Golub & LeVeque, "Updating Formulae and a
 * Pairwise Algorithm for Computing Sample Variances" (1979):
 *   δ = mean_b − mean_a,  n = n_a + n_b,
 *   mean = (n_a·mean_a + n_b·mean_b) / n,  M2 = M2_a + M2_b + δ²·n_a·n_b / n.
 * Written in this symmetric form, merge is commutative bit for bit; associativity holds to
 * rounding (relative 1e-15), and the determinism rules fix the merge order anyway.
 *
 * Reported statistics (SageMaker / Deequ semantics): `mean = sum / count` with the exactly
 * rounded sum; `std_dev = sqrt(M2 / count)`, the population σ (Deequ StandardDeviation).
 */
export class Moments implements Mergeable<Moments> {
  count = 0;
  #mean = 0;
  #m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  readonly sum: ExactSum;

  constructor(sum: ExactSum = new ExactSum()) {
    this.sum = sum;
  }

  static empty(): Moments {
    return new Moments();
  }

  /** x must be finite. */
  update(x: number): void {
    const n = ++this.count;
    const d = x - this.#mean;
    this.#mean += d / n;
    this.#m2 += d * (x - this.#mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sum.add(x);
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum.value() / this.count;
  }

  get variance(): number {
    return this.count === 0 ? Number.NaN : Math.max(0, this.#m2) / this.count;
  }

  get stdDev(): number {
    return Math.sqrt(this.variance);
  }

  merge(other: Moments): Moments {
    const out = new Moments(this.sum.merge(other.sum));
    const na = this.count;
    const nb = other.count;
    const n = na + nb;
    out.count = n;
    out.min = Math.min(this.min, other.min);
    out.max = Math.max(this.max, other.max);
    if (na === 0 || nb === 0) {
      const src = na === 0 ? other : this;
      out.#mean = src.#mean;
      out.#m2 = src.#m2;
      return out;
    }
    const delta = other.#mean - this.#mean;
    out.#mean = (na * this.#mean + nb * other.#mean) / n;
    out.#m2 = this.#m2 + other.#m2 + (delta * delta * (na * nb)) / n;
    return out;
  }

  serialize(): MomentsState {
    return {
      v: 1,
      count: this.count,
      mean: this.#mean,
      m2: this.#m2,
      min: this.count === 0 ? null : this.min,
      max: this.count === 0 ? null : this.max,
      sum: this.sum.serialize(),
    };
  }

  static deserialize(state: unknown): Moments {
    const s = expectVersion("moments", state, 1);
    const out = new Moments(ExactSum.deserialize(s["sum"]));
    for (const key of ["count", "mean", "m2"] as const) {
      if (typeof s[key] !== "number") throw new SketchStateError("moments", `${key} must be a number`);
    }
    out.count = s["count"] as number;
    out.#mean = s["mean"] as number;
    out.#m2 = s["m2"] as number;
    out.min = typeof s["min"] === "number" ? s["min"] : Number.POSITIVE_INFINITY;
    out.max = typeof s["max"] === "number" ? s["max"] : Number.NEGATIVE_INFINITY;
    return out;
  }
}

export interface MomentsState {
  v: 1;
  count: number;
  mean: number;
  m2: number;
  min: number | null;
  max: number | null;
  sum: unknown;
}
