import { expectVersion, SketchStateError, type Mergeable } from "./Sketch.js";

/**
 * Counts of each distinct value, exact while a feature has at most `cap` distinct values
 * (default 1,000), then a Misra–Gries heavy-hitters summary of `cap` counters plus the total.
 *
 * Approximate mode is the mergeable Misra–Gries summary of Agarwal et al., "Mergeable
 * Summaries" (PODS 2012): merge adds counters and prunes back to `cap` by subtracting the
 * (cap+1)-th largest count. Every reported count f̂ satisfies f − N/(cap+1) ≤ f̂ ≤ f, where N is
 * the number of values counted; values absent from the summary have f ≤ N/(cap+1).
 * Updates prune lazily, when 2·cap counters are held, so an update is amortised O(log cap).
 *
 * Merge is commutative bit for bit (sum, then a deterministic prune). Associativity is exact
 * while the union stays exact, and within the error bound above otherwise.
 */
export class CategoryCounts implements Mergeable<CategoryCounts> {
  static readonly DEFAULT_CAP = 1000;

  readonly cap: number;
  #counts = new Map<string, number>();
  #exact = true;
  #total = 0;

  constructor(cap: number = CategoryCounts.DEFAULT_CAP) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`category cap must be a positive integer, got ${cap}`);
    this.cap = cap;
  }

  static empty(cap?: number): CategoryCounts {
    return new CategoryCounts(cap);
  }

  /**
   * Counts a value. Returns true when this add ended exact mode: at that moment `keys()` still
   * holds every distinct value seen (cap + 1 of them), for a caller that must know them all.
   */
  add(value: string, count = 1): boolean {
    this.#total += count;
    const m = this.#counts;
    const prev = m.get(value);
    if (prev !== undefined) {
      m.set(value, prev + count);
      return false;
    }
    m.set(value, count);
    if (this.#exact) {
      if (m.size > this.cap) {
        this.#exact = false;
        return true;
      }
    } else if (m.size > 2 * this.cap) {
      prune(m, this.cap);
    }
    return false;
  }

  /** The values currently held (all distinct values seen, while exact). */
  keys(): IterableIterator<string> {
    return this.#counts.keys();
  }

  /** True while every count is exact (at most `cap` distinct values seen). */
  get exact(): boolean {
    return this.#exact;
  }

  /** Number of values counted (exact in both modes). */
  get total(): number {
    return this.#total;
  }

  /**
   * The summary: at most `cap` (value, count) pairs by descending count, then ascending value,
   * and `rest`, the number of counted values not covered by them.
   */
  summary(): { buckets: Array<[string, number]>; rest: number; exact: boolean } {
    const m = new Map(this.#counts);
    if (!this.#exact) prune(m, this.cap);
    const buckets = sortedEntries(m);
    let covered = 0;
    for (const [, c] of buckets) covered += c;
    return { buckets, rest: this.#total - covered, exact: this.#exact };
  }

  merge(other: CategoryCounts): CategoryCounts {
    if (other.cap !== this.cap) throw new RangeError(`cannot merge category counts with caps ${this.cap} and ${other.cap}`);
    const out = new CategoryCounts(this.cap);
    const m = out.#counts;
    for (const [v, c] of this.#counts) m.set(v, c);
    for (const [v, c] of other.#counts) m.set(v, (m.get(v) ?? 0) + c);
    out.#total = this.#total + other.#total;
    out.#exact = this.#exact && other.#exact && m.size <= this.cap;
    if (!out.#exact) prune(m, this.cap);
    return out;
  }

  serialize(): { v: 1; cap: number; exact: boolean; total: number; counts: Array<[string, number]> } {
    return { v: 1, cap: this.cap, exact: this.#exact, total: this.#total, counts: sortedEntries(this.#counts) };
  }

  static deserialize(state: unknown): CategoryCounts {
    const s = expectVersion("category_counts", state, 1);
    const { cap, exact, total, counts } = s;
    if (typeof cap !== "number" || typeof exact !== "boolean" || typeof total !== "number" || !Array.isArray(counts)) {
      throw new SketchStateError("category_counts", "cap, exact, total and counts are required");
    }
    if (!Number.isInteger(cap) || cap < 1) throw new SketchStateError("category_counts", `cap must be a positive integer, got ${cap}`);
    const out = new CategoryCounts(cap);
    for (const entry of counts as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "number") {
        throw new SketchStateError("category_counts", "counts must be [value, count] pairs");
      }
      out.#counts.set(entry[0], entry[1]);
    }
    out.#exact = exact;
    out.#total = total;
    return out;
  }
}

function sortedEntries(m: Map<string, number>): Array<[string, number]> {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Misra–Gries prune: subtract the (cap+1)-th largest count from all, drop the non-positive. */
function prune(m: Map<string, number>, cap: number): void {
  if (m.size <= cap) return;
  const counts = Float64Array.from(m.values());
  const threshold = selectKth(counts, counts.length - 1 - cap);
  for (const [v, c] of m) {
    if (c <= threshold) m.delete(v);
    else m.set(v, c - threshold);
  }
}

/**
 * The k-th smallest value (0-based) of `a`, by Hoare's quickselect with a median-of-three pivot:
 * expected linear time where sorting costs n·log n. Reorders `a`. Deterministic.
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}
