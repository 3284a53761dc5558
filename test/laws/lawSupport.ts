/**
 * Shared helpers for the monoid-law and sketch tests: seeded randomness, exact (BigInt) references
 * for sums and moments, exact empirical ranks, and the KLL error bounds used by the tests.
 */
import fc from "fast-check";
import { KllSketch } from "../../src/sketches/kllSketch.js";
import { mulberry32 } from "../support/random.js";

/** Base seed for every fast-check property; override with DQ_FC_SEED to explore other cases. */
export const FC_SEED = Number(process.env["DQ_FC_SEED"] ?? 20_250_601);

/** fast-check parameters: fixed seed per property (offset), so every run checks the same cases. */
export function params(offset: number, numRuns: number): fc.Parameters<unknown> {
  return { seed: FC_SEED + offset, numRuns };
}

/** mulberry32 (test/support/random.ts), a small seeded PRNG for bulk data that fast-check only seeds. */
export const prng = mulberry32;

// ---------------------------------------------------------------------------------------------
// Fixed-point values: x = q / 1024 with integer q, so every value and every partial sum is an exact
// rational with denominator 1024 and the BigInt sum of the q's is the exact sum.

export const SCALE = 1024;
export const SCALE_BITS = 10n;

/** q in ±2^30 → x in ±2^20, exactly representable (at most 41 significant bits). */
export const fixedQ = fc.integer({ min: -(2 ** 30), max: 2 ** 30 });

/** Scaled integers whose values span magnitudes 2^-10 … 2^953, to stress cancellation. */
export const wideScaled = fc
  .tuple(fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }), fc.integer({ min: -10, max: 900 }))
  .map(([m, e]) => BigInt(m) << BigInt(e + 10));

/** The double a scaled integer denotes (exact: |m| < 2^53 and the exponent is in range). */
export function fromScaled(q: bigint): number {
  return Number(q) / SCALE; // Number(q) is exact for these q (≤ 53 significant bits)
}

/** Correctly rounded (ties-to-even) value of Σ q / 1024: Number(bigint) rounds to nearest-even. */
export function exactSumScaled(qs: readonly bigint[]): number {
  let s = 0n;
  for (const q of qs) s += q;
  return Number(s) / SCALE; // division by a power of two is exact here (no underflow/overflow)
}

export interface ExactMoments {
  n: number;
  sum: number;
  mean: number;
  std: number;
}

/** Exact count/sum/mean/population σ of x_i = q_i / 1024 via BigInt rationals. */
export function exactMoments(qs: readonly number[]): ExactMoments {
  const n = BigInt(qs.length);
  let s = 0n;
  let s2 = 0n;
  for (const q of qs) {
    const b = BigInt(q);
    s += b;
    s2 += b * b;
  }
  if (n === 0n) return { n: 0, sum: 0, mean: Number.NaN, std: Number.NaN };
  // var = (n·Σq² − (Σq)²) / (n² · 1024²), an exact rational; both parts fit doubles comfortably.
  const num = n * s2 - s * s;
  const den = n * n * BigInt(SCALE * SCALE);
  return {
    n: qs.length,
    sum: Number(s) / SCALE,
    mean: divideBig(s, n * BigInt(SCALE)),
    std: Math.sqrt(divideBig(num, den)),
  };
}

/** a / b for BigInts, to ~double precision (scales so both are exact doubles before dividing). */
function divideBig(a: bigint, b: bigint): number {
  if (a === 0n) return 0;
  const shift = Math.max(0, bitLength(b) - 60);
  const ashift = Math.max(0, bitLength(a < 0n ? -a : a) - 60);
  const s = Math.min(shift, ashift);
  return Number(a >> BigInt(s)) / Number(b >> BigInt(s));
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Tolerance for a population σ computed in floating point (Welford updates, Chan merges) against
 * another grouping or the exact value: rel·σ plus 16 ulps of the largest |x|. Rounding in the
 * running mean is relative to the values' magnitude, not to σ, so for data with |x| ≫ σ (a large
 * offset with a tiny spread) no purely relative tolerance holds: e.g. seven values 1401348.447…
 * with spread 2/1024 give 1.4e-7 relative difference between the two merge groupings. Measured
 * worst residual beyond rel·σ over 30,000 such ill-conditioned cases: 0.56 ulps of max|x|.
 */
export function stdTolerance(values: readonly number[], sigma: number, rel: number): number {
  let mx = 0;
  for (const x of values) mx = Math.max(mx, Math.abs(x));
  return rel * sigma + 16 * Number.EPSILON * mx;
}

/** |a − b| ≤ tol·|b| (b the reference), with both NaN counted equal. */
export function relClose(actual: number, expected: number, tol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tol * Math.abs(expected);
}

// ---------------------------------------------------------------------------------------------
// Splitting

/** Cut points (any numbers) mapped into [0, n], sorted: n values split into cuts.length+1 parts. */
export function splitAt<T>(xs: readonly T[], cuts: readonly number[]): T[][] {
  const n = xs.length;
  const at = cuts.map((c) => Math.abs(Math.trunc(c)) % (n + 1)).sort((a, b) => a - b);
  const parts: T[][] = [];
  let prev = 0;
  for (const c of at) {
    parts.push(xs.slice(prev, c));
    prev = c;
  }
  parts.push(xs.slice(prev));
  return parts;
}

/** 0–4 cut points: 1–5 parts. */
export const cutsArb = fc.array(fc.nat(), { maxLength: 4 });

// ---------------------------------------------------------------------------------------------
// KLL accuracy

export function kllOf(values: readonly number[], k: number): KllSketch {
  const s = new KllSketch(k);
  for (const x of values) s.update(x);
  return s;
}

/**
 * Deterministic rank-error bound of a KLL sketch: a compaction of a sorted even-length block of
 * weight-w items changes the weight of items ≤ x (or < x) by −w, 0 or +w for every x, and
 * concatenation in merge loses nothing, so |rank̂(x) − rank(x)| ≤ Σ_h compactions[h]·2^h.
 */
export function kllHardBound(s: KllSketch): number {
  const state = s.serialize();
  let b = 0;
  state.compactions.forEach((c, h) => {
    b += c * 2 ** h;
  });
  return b;
}

/**
 * Statistical CDF error bound used by the tests: max(0.01, 5/k). Measured before choosing it: the
 * worst max|ΔCDF| of sketches merged from 1–5 parts, over 500 seeded cases per k (6 input shapes,
 * n ≤ 50k), was 3.6/k @ k=64, 3.4/k @ 128, 3.2/k @ 256, 2.9/k @ 512 (2.6/k @ 1024 with n ≤ 30k),
 * and 0.0019 (3.9/k) @ k=2048 with n = 10^6; the error grows slowly with n. 5/k leaves ≥ 40 %
 * headroom. Deequ's scheme (level capacity shrinking with height, deterministic offsets) cannot
 * meet 1 % for small k (k = 64 is ~5 %), so 1 % is only required from k = 512 on.
 */
export function kllCdfBound(k: number): number {
  return Math.max(0.01, 5 / k);
}

/**
 * max over all x of |F̂(x) − F(x)| between a sketch and the exact empirical CDF of `values`.
 * Both are step functions jumping only at input values, so checking F(v) and F(v−) at every
 * distinct input v covers the supremum.
 */
export function maxCdfError(s: KllSketch, values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const d = s.toDistribution();
  let worst = 0;
  for (let i = 0; i < n;) {
    let j = i;
    const v = sorted[i] as number;
    while (j < n && sorted[j] === v) j++;
    worst = Math.max(worst, Math.abs(d.rank(v) - j) / n, Math.abs(d.rankExclusive(v) - i) / n);
    i = j;
  }
  return worst;
}

/** max over distinct input values of |rank̂_a(v) − rank̂_b(v)| (inclusive and exclusive ranks). */
export function maxRankDifference(a: KllSketch, b: KllSketch, values: readonly number[]): number {
  const da = a.toDistribution();
  const db = b.toDistribution();
  let worst = 0;
  for (const v of new Set(values)) {
    worst = Math.max(worst, Math.abs(da.rank(v) - db.rank(v)), Math.abs(da.rankExclusive(v) - db.rankExclusive(v)));
  }
  return worst;
}

/** JSON round trip, as a checkpoint store would do it. */
export function viaJson(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state)) as unknown;
}

/** Value shapes for quantile inputs (all fixed-point, all finite). */
export type Shape = "uniform" | "fewDistinct" | "ascending" | "descending" | "heavyTail" | "bimodal";
export const SHAPES: readonly Shape[] = ["uniform", "fewDistinct", "ascending", "descending", "heavyTail", "bimodal"];

export function generate(shape: Shape, n: number, seed: number): number[] {
  const r = prng(seed);
  const q = (x: number): number => Math.round(x * SCALE) / SCALE;
  switch (shape) {
    case "uniform":
      return Array.from({ length: n }, () => q(r() * 2000 - 1000));
    case "fewDistinct":
      return Array.from({ length: n }, () => Math.floor(r() * 7));
    case "ascending":
      return Array.from({ length: n }, (_, i) => i);
    case "descending":
      return Array.from({ length: n }, (_, i) => n - i);
    case "heavyTail":
      return Array.from({ length: n }, () => q((-Math.log(1 - r())) ** 3));
    case "bimodal":
      return Array.from({ length: n }, () => q((r() < 0.3 ? -500 : 500) + r() * 10));
  }
}
