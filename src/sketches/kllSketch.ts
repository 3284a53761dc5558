import { expectVersion, SketchStateError, type Mergeable } from "./Sketch.js";

/**
 * KLL-style quantile sketch, ported from Deequ's `QuantileNonSample` / `NonSampleCompactor`
 * (awslabs/deequ, src/main/scala/com/amazon/deequ/analyzers/), which is what SageMaker Model
 * Monitor writes into `statistics.json` as `distribution.kll.sketch` with parameters
 * `c` (shrinking factor, 0.64) and `k` (sketch size, 2048).
 *
 * Invariants:
 * - level h holds items of weight 2^h; level h's capacity is `2·(ceil(k·c^h / 2) + 1)`;
 * - an update appends to level 0; when the item count exceeds the summed capacity, the lowest
 *   level at or over its capacity is compacted: its first even-length part is sorted and every
 *   second item from `offset` moves up; an odd last item stays;
 * - a level's offset is 0,1,1,0,0,1,1,… over its successive compactions (Deequ's deterministic
 *   alternation, no randomness), so it is a function of that level's compaction count;
 * - only finite numbers are ever inserted.
 * Nothing here reads a clock or a random source: the same inputs in the same order give the same
 * levels, bit for bit.
 *
 * Merge concatenates level by level (in a canonical operand order, so merge is commutative bit
 * for bit), adds the compaction counts, then condenses while over capacity. Rank error is
 * O(n/k) with a small constant; test/sketches/kllSketch.test.ts measures it against exact ranks.
 */
export class KllSketch implements Mergeable<KllSketch> {
  static readonly DEFAULT_K = 2048;
  static readonly DEFAULT_C = 0.64;

  readonly k: number;
  readonly c: number;
  #levels: number[][];
  #compactions: number[];
  #size = 0;
  #capacityTotal = 0;
  #capacities: number[] = [];
  /** toDistribution's result, until the next update (merge and deserialize make new sketches). */
  #distribution: WeightedDistribution | undefined;

  constructor(k: number = KllSketch.DEFAULT_K, c: number = KllSketch.DEFAULT_C) {
    if (!Number.isInteger(k) || k < 2) throw new RangeError(`KLL k must be an integer ≥ 2, got ${k}`);
    if (!(c > 0 && c <= 1)) throw new RangeError(`KLL c must be in (0, 1], got ${c}`);
    this.k = k;
    this.c = c;
    this.#levels = [];
    this.#compactions = [];
    this.#expand();
  }

  static empty(k?: number, c?: number): KllSketch {
    return new KllSketch(k, c);
  }

  /** Deequ's `capacity(height)`: Java's `Math.ceil(k * Math.pow(c, h) / 2).toInt`, same doubles. */
  #capacity(h: number): number {
    let cap = this.#capacities[h];
    if (cap === undefined) {
      cap = 2 * (Math.ceil((this.k * Math.pow(this.c, h)) / 2) + 1);
      this.#capacities[h] = cap;
    }
    return cap;
  }

  #expand(): void {
    this.#levels.push([]);
    this.#compactions.push(0);
    this.#capacityTotal += this.#capacity(this.#levels.length - 1);
  }

  /** Adds one finite number. Callers filter non-finite values out before. */
  update(x: number): void {
    this.#distribution = undefined;
    (this.#levels[0] as number[]).push(x);
    this.#size++;
    if (this.#size > this.#capacityTotal) this.#condense();
  }

  #condense(): void {
    for (let h = 0; h < this.#levels.length; h++) {
      const level = this.#levels[h] as number[];
      if (level.length >= this.#capacity(h)) {
        if (h + 1 >= this.#levels.length) this.#expand();
        const before = level.length;
        const emitted = this.#compact(h, this.#levels[h + 1] as number[]);
        this.#size += emitted - (before - (this.#levels[h] as number[]).length);
        return;
      }
    }
  }

  /**
   * NonSampleCompactor.compact: sort the even-length prefix, append every second item from offset
   * to `up` (the next level). Returns how many items moved up.
   */
  #compact(h: number, up: number[]): number {
    const buffer = this.#levels[h] as number[];
    const items = buffer.length;
    const len = items - (items % 2);
    const n = this.#compactions[h] as number;
    // offset after n compactions of the sequence 0,1,1,0,0,1,1,…
    const offset = Math.floor((n + 1) / 2) % 2;
    if (compactScratch.length < len) compactScratch = new Float64Array(Math.max(len, 2 * compactScratch.length));
    const sorted = compactScratch.subarray(0, len);
    for (let i = 0; i < len; i++) sorted[i] = buffer[i] as number;
    // Float64Array#sort: numeric order, −0 before +0 (no NaN is ever inserted); V8's native sort,
    // faster on these ~2,000-item buffers than the LSD radix sort it replaced (bench/README.md)
    sorted.sort();
    for (let i = offset; i < len; i += 2) up.push(sorted[i] as number);
    this.#levels[h] = items % 2 === 1 ? [buffer[items - 1] as number] : [];
    this.#compactions[h] = n + 1;
    return len >> 1;
  }

  /** Total weight represented: the number of values inserted. */
  get count(): number {
    let n = 0;
    for (let h = 0; h < this.#levels.length; h++) n += (this.#levels[h] as number[]).length * 2 ** h;
    return n;
  }

  /** Items currently held (bounded by the summed capacity, independent of `count`). */
  get retained(): number {
    return this.#size;
  }

  /** Level buffers, level 0 first, as SageMaker's `sketch.data`. Copies. */
  levels(): number[][] {
    return this.#levels.map((l) => l.slice());
  }

  merge(other: KllSketch): KllSketch {
    if (other.k !== this.k || other.c !== this.c) {
      throw new RangeError(`cannot merge KLL sketches with different parameters (k ${this.k}/${other.k}, c ${this.c}/${other.c})`);
    }
    const [first, second] = canonicalOrder(this, other);
    const out = new KllSketch(this.k, this.c);
    const height = Math.max(first.#levels.length, second.#levels.length);
    while (out.#levels.length < height) out.#expand();
    for (let h = 0; h < height; h++) {
      const a = first.#levels[h] ?? [];
      const b = second.#levels[h] ?? [];
      out.#levels[h] = a.concat(b);
      out.#compactions[h] = (first.#compactions[h] ?? 0) + (second.#compactions[h] ?? 0);
    }
    out.#size = first.#size + second.#size;
    while (out.#size > out.#capacityTotal) out.#condense();
    return out;
  }

  /**
   * The weighted items sorted by value: what a reader rebuilds the distribution from.
   * `cumulative[i]` is the inclusive rank of `values[i]` (sum of weights of items ≤ values[i]
   * among those up to index i).
   */
  toDistribution(): WeightedDistribution {
    // kept until the next update: a closed window's sketch is read by the checks and the statistics
    this.#distribution ??= WeightedDistribution.fromLevels(this.#levels);
    return this.#distribution;
  }

  serialize(): KllState {
    return { v: 1, k: this.k, c: this.c, levels: this.levels(), compactions: this.#compactions.slice() };
  }

  static deserialize(state: unknown): KllSketch {
    const s = expectVersion("kll", state, 1);
    const { k, c, levels, compactions } = s;
    if (typeof k !== "number" || typeof c !== "number") throw new SketchStateError("kll", "k and c must be numbers");
    if (!Array.isArray(levels) || !Array.isArray(compactions) || levels.length !== compactions.length || levels.length === 0) {
      throw new SketchStateError("kll", "levels and compactions must be non-empty arrays of equal length");
    }
    let out: KllSketch;
    try {
      out = new KllSketch(k, c);
    } catch (e) {
      throw new SketchStateError("kll", (e as Error).message);
    }
    while (out.#levels.length < levels.length) out.#expand();
    let size = 0;
    levels.forEach((level: unknown, h: number) => {
      if (!Array.isArray(level) || !level.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw new SketchStateError("kll", `level ${h} must be an array of finite numbers`);
      }
      out.#levels[h] = level.slice() as number[];
      size += level.length;
      const n: unknown = compactions[h];
      if (!Number.isInteger(n) || (n as number) < 0) throw new SketchStateError("kll", `compactions[${h}] must be a non-negative integer`);
      out.#compactions[h] = n as number;
    });
    out.#size = size;
    return out;
  }
}

export interface KllState {
  v: 1;
  k: number;
  c: number;
  levels: number[][];
  compactions: number[];
}

/** The compaction's sort buffer, reused: a sketch's compactions never overlap (one thread, no await). */
let compactScratch = new Float64Array(4096);

/** Orders two sketches by content so that merge(a, b) and merge(b, a) build the same levels. */
function canonicalOrder(a: KllSketch, b: KllSketch): [KllSketch, KllSketch] {
  const la = a.levels();
  const lb = b.levels();
  if (la.length !== lb.length) return la.length < lb.length ? [a, b] : [b, a];
  for (let h = 0; h < la.length; h++) {
    const x = la[h] as number[];
    const y = lb[h] as number[];
    if (x.length !== y.length) return x.length < y.length ? [a, b] : [b, a];
    for (let i = 0; i < x.length; i++) {
      const p = x[i] as number;
      const q = y[i] as number;
      if (p !== q) return p < q ? [a, b] : [b, a];
      // 0 === −0: break the tie on the sign (−0 first, as Float64Array#sort orders them)
      if (p === 0 && !Object.is(p, q)) return Object.is(p, -0) ? [a, b] : [b, a];
    }
  }
  return [a, b];
}

/**
 * A distribution given by weighted items (KLL levels: an item on level i weighs 2^i), sorted.
 * This is the read side shared by sketches we build and baselines we load from SageMaker files.
 */
export class WeightedDistribution {
  /** Distinct item values, ascending. */
  readonly values: Float64Array;
  /** cumulative[i] = total weight of items ≤ values[i]. */
  readonly cumulative: Float64Array;
  readonly total: number;

  private constructor(values: Float64Array, cumulative: Float64Array) {
    this.values = values;
    this.cumulative = cumulative;
    this.total = cumulative.length === 0 ? 0 : (cumulative[cumulative.length - 1] as number);
  }

  /**
   * The distribution of the levels' items (an item on level h weighs 2^h): each level sorted as
   * doubles, then merged (there are few levels), equal values folded into one entry with their
   * summed weight, so the result does not depend on the order of equal items.
   */
  static fromLevels(levels: readonly (readonly number[])[]): WeightedDistribution {
    const sorted = levels.map((l) => Float64Array.from(l).sort());
    let n = 0;
    for (const a of sorted) n += a.length;
    const values = new Float64Array(n);
    const cumulative = new Float64Array(n);
    const next = new Int32Array(sorted.length);
    let m = 0;
    let running = 0;
    for (let t = 0; t < n; t++) {
      let best = -1;
      let x = 0;
      for (let h = 0; h < sorted.length; h++) {
        const a = sorted[h] as Float64Array;
        const i = next[h] as number;
        if (i < a.length && (best < 0 || (a[i] as number) < x)) {
          best = h;
          x = a[i] as number;
        }
      }
      next[best] = (next[best] as number) + 1;
      running += 2 ** best;
      if (m > 0 && values[m - 1] === x) cumulative[m - 1] = running;
      else {
        values[m] = x;
        cumulative[m] = running;
        m++;
      }
    }
    return new WeightedDistribution(values.slice(0, m), cumulative.slice(0, m));
  }

  /** Number of items ≤ x by weight (Deequ `getRank`). */
  rank(x: number): number {
    const i = upperBound(this.values, x);
    return i === 0 ? 0 : (this.cumulative[i - 1] as number);
  }

  /** Number of items < x by weight (Deequ `getRankExclusive`). */
  rankExclusive(x: number): number {
    const i = lowerBound(this.values, x);
    return i === 0 ? 0 : (this.cumulative[i - 1] as number);
  }

  /** F(x) = P(X ≤ x). */
  cdf(x: number): number {
    return this.total === 0 ? 0 : this.rank(x) / this.total;
  }
}

/** First index with values[i] ≥ x. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with values[i] > x. */
function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
