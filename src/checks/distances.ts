import chiSquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import type { WeightedDistribution } from "../sketches/kllSketch.js";

/**
 * Drift distances, after Deequ's Distance.scala (awslabs/deequ, analyzers/Distance.scala).
 */

/** c(α) of the two-sample Kolmogorov–Smirnov test for α ≈ 0.003, as Deequ uses it. */
export const KS_C_ALPHA = 1.8;

/**
 * L∞ distance between two CDFs given by weighted items (Deequ `numericalDistance`): the largest
 * |F_b(x) − F_c(x)| over every item x of either. Both are right-continuous step functions that jump
 * only at items, so this is the supremum over all x.
 */
export function linfNumeric(baseline: WeightedDistribution, current: WeightedDistribution): number {
  const a = baseline.values;
  const b = current.values;
  const ca = baseline.cumulative;
  const cb = current.cumulative;
  const n = baseline.total;
  const m = current.total;
  let i = 0;
  let j = 0;
  let ra = 0;
  let rb = 0;
  let worst = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    while (i < a.length && (a[i] as number) <= x) ra = ca[i++] as number;
    while (j < b.length && (b[j] as number) <= x) rb = cb[j++] as number;
    const d = Math.abs(ra / n - rb / m);
    if (d > worst) worst = d;
  }
  return worst;
}

/** L∞ distance between two frequency vectors over the union of categories (Deequ `categoricalLInfinityDistance`). */
export function linfCategorical(
  baseline: ReadonlyArray<readonly [string, number]>,
  baselineTotal: number,
  current: ReadonlyArray<readonly [string, number]>,
  currentTotal: number,
): number {
  const b = new Map(baseline);
  const c = new Map(current);
  let worst = 0;
  for (const key of new Set([...b.keys(), ...c.keys()])) {
    const d = Math.abs((b.get(key) ?? 0) / baselineTotal - (c.get(key) ?? 0) / currentTotal);
    if (d > worst) worst = d;
  }
  return worst;
}

/** Deequ's `selectMetrics`: the robust variant subtracts c(α)·√((n+m)/(n·m)), floored at 0. */
export function robust(linfSimple: number, n: number, m: number): number {
  return Math.max(0, linfSimple - KS_C_ALPHA * Math.sqrt((n + m) / (n * m)));
}

/**
 * Deequ's `categoricalChiSquareTest`: a goodness-of-fit test of the current counts against the
 * baseline's proportions scaled to the current sum over baseline categories (current-only
 * categories are left out). Small expected cells are merged into the next smallest until
 * Cochran's rule (2 cells: every expected count ≥ 10) or Yates' rule (more cells: at most 20 % of
 * them below 5) holds; ties go to the smaller category name, so the result is deterministic.
 * Returns the p-value, or NaN when fewer than 2 cells remain or the current sum is 0.
 */
export function chiSquaredPValue(current: ReadonlyArray<readonly [string, number]>, baseline: ReadonlyArray<readonly [string, number]>): number {
  const expectedCounts = new Map(baseline);
  const sample = new Map<string, number>();
  for (const [k, v] of current) if (expectedCounts.has(k)) sample.set(k, v);
  let sampleSum = 0;
  for (const v of sample.values()) sampleSum += v;
  let expectedSum = 0;
  for (const v of expectedCounts.values()) expectedSum += v;
  if (sampleSum === 0 || expectedSum === 0) return Number.NaN;
  const expected = new Map<string, number>();
  for (const [k, v] of expectedCounts) expected.set(k, (v / expectedSum) * sampleSum);
  regroup(sample, expected);
  if (expected.size < 2) return Number.NaN;
  let statistic = 0;
  for (const [k, e] of expected) {
    const o = sample.get(k) ?? 0;
    if (e === 0) {
      if (o > 0) return 0;
      continue;
    }
    statistic += ((o - e) * (o - e)) / e;
  }
  return 1 - chiSquareCdf(statistic, expected.size - 1);
}

function regroup(sample: Map<string, number>, expected: Map<string, number>): void {
  for (;;) {
    if (expected.size < 2) return;
    const perCell = expected.size > 2 ? 5 : 10;
    const allowedBelow = expected.size > 2 ? Math.floor(0.2 * expected.size) : 0;
    let below = 0;
    for (const v of expected.values()) if (v < perCell) below++;
    if (below <= allowedBelow) return;
    const [minKey, minValue] = smallest(expected);
    expected.delete(minKey);
    const sampleMin = sample.get(minKey) ?? 0;
    sample.delete(minKey);
    const [secondKey, secondValue] = smallest(expected);
    expected.set(secondKey, secondValue + minValue);
    sample.set(secondKey, (sample.get(secondKey) ?? 0) + sampleMin);
  }
}

function smallest(m: Map<string, number>): [string, number] {
  let best: [string, number] | undefined;
  for (const [k, v] of m) if (best === undefined || v < best[1] || (v === best[1] && k < best[0])) best = [k, v];
  return best as [string, number];
}
