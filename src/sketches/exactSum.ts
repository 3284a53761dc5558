import { expectVersion, SketchStateError, type Mergeable } from "./Sketch.js";

/**
 * Exactly rounded floating-point sum: Shewchuk's non-overlapping partials, the algorithm of
 * Python's `math.fsum` (J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic and Fast
 * Robust Geometric Predicates", 1997; https://code.activestate.com/recipes/393090/).
 *
 * Invariant: the partials are non-overlapping, ordered by increasing magnitude, and their
 * mathematical sum is exactly the sum of every value added. `value()` rounds that sum once, so
 * the result does not depend on the order of updates or merges: merge is associative and
 * commutative bit for bit, which is what makes window reports independent of partition
 * interleaving. Overflow to ±Infinity is reported as such.
 */
export class ExactSum implements Mergeable<ExactSum> {
  #partials: number[] = [];
  #special = 0; // sum of non-finite inputs (±Infinity, NaN), kept apart from the partials

  static empty(): ExactSum {
    return new ExactSum();
  }

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.#special += x;
      return;
    }
    const p = this.#partials;
    const n = p.length;
    let i = 0;
    for (let j = 0; j < n; j++) {
      let y = p[j] as number;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      if (!Number.isFinite(hi)) {
        // intermediate overflow: the exact sum is out of double range
        this.#special += hi;
        this.#partials = [];
        return;
      }
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    // write in place and shrink only when needed: changing an array's length is the costly part
    p[i] = x;
    if (n !== i + 1) p.length = i + 1;
  }

  value(): number {
    if (this.#special !== 0 || Number.isNaN(this.#special)) return this.#special;
    const p = this.#partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n] as number;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n] as number;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // round-half-even correction, as in CPython's math_fsum
    if (n > 0 && ((lo < 0 && (p[n - 1] as number) < 0) || (lo > 0 && (p[n - 1] as number) > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
    return hi;
  }

  merge(other: ExactSum): ExactSum {
    const out = new ExactSum();
    for (const x of this.#partials) out.add(x);
    for (const x of other.#partials) out.add(x);
    out.#special += this.#special + other.#special;
    return out;
  }

  serialize(): { v: 1; partials: number[]; special: number | string } {
    const s = this.#special;
    return { v: 1, partials: this.#partials.slice(), special: Number.isFinite(s) ? s : String(s) };
  }

  static deserialize(state: unknown): ExactSum {
    const s = expectVersion("exact_sum", state, 1);
    const out = new ExactSum();
    if (!Array.isArray(s["partials"])) throw new SketchStateError("exact_sum", "partials must be an array");
    for (const x of s["partials"] as unknown[]) {
      if (typeof x !== "number") throw new SketchStateError("exact_sum", "partials must be numbers");
      out.add(x);
    }
    const special = s["special"];
    out.#special = typeof special === "string" ? Number(special) : typeof special === "number" ? special : 0;
    return out;
  }
}
