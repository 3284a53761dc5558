import { distributionOf, type FeatureStatistics, type NumericalStatistics } from "../formats/statisticsFormat.js";
import type { Overlay } from "./apiTypes.js";

/**
 * The feature view's chart data: a window's distribution of one feature overlaid on the
 * baseline's, both as fractions of their items so windows of any size compare.
 *
 * Numeric features share one set of equal-width bins over both ranges. A side's fraction in a bin
 * is F(upper) − F(lower) of its KLL sketch (statistics.json's `kll.sketch`, every item of level i
 * weighing 2^i, as the drift check reads it); a file without a sketch spreads each of its
 * `kll.buckets` evenly over its range. Categorical features show the values most frequent in
 * either side (their `categorical.buckets`), the rest folded into one "(other)" bar.
 */
export type { Overlay };

export const NUMERIC_BINS = 20;
export const TOP_VALUES = 20;
export const OTHER_VALUES = "(other)";

export function overlayOf(baseline: FeatureStatistics | undefined, window: FeatureStatistics | undefined): Overlay {
  const sides = [baseline, window].filter((f): f is FeatureStatistics => f !== undefined);
  if (sides.length === 0) return { kind: "none" };
  if (sides.some((f) => f.numerical_statistics !== undefined)) return numericOverlay(baseline, window);
  if (sides.some((f) => f.string_statistics !== undefined)) return categoricalOverlay(baseline, window);
  return { kind: "none" };
}

function numericOverlay(baseline: FeatureStatistics | undefined, window: FeatureStatistics | undefined): Overlay {
  const stats = [baseline?.numerical_statistics, window?.numerical_statistics].filter(
    (s): s is NumericalStatistics => s !== undefined && s.common.num_present > 0,
  );
  if (stats.length === 0) return { kind: "none" };
  const lo = Math.min(...stats.map((s) => s.min));
  const hi = Math.max(...stats.map((s) => s.max));
  const bins = lo === hi ? 1 : NUMERIC_BINS;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  return { kind: "numeric", edges, baseline: numericShares(baseline, edges), window: numericShares(window, edges) };
}

function numericShares(f: FeatureStatistics | undefined, edges: number[]): number[] | null {
  const n = f?.numerical_statistics;
  if (f === undefined || n === undefined || n.common.num_present === 0) return null;
  const bins = edges.length - 1;
  const dist = distributionOf(f);
  if (dist !== undefined && dist.total > 0) {
    // F at each inner edge; the first bin takes everything up to its upper edge, the last what is left
    const cdf = edges.map((e, i) => (i === 0 ? 0 : i === bins ? 1 : dist.cdf(e)));
    return Array.from({ length: bins }, (_, i) => (cdf[i + 1] as number) - (cdf[i] as number));
  }
  const buckets = n.distribution?.kll.buckets ?? [];
  const total = buckets.reduce((s, b) => s + b.count, 0);
  if (total === 0) return null;
  const out = new Array<number>(bins).fill(0);
  for (const b of buckets) {
    const width = b.upper_bound - b.lower_bound;
    for (let i = 0; i < bins; i++) {
      const a = edges[i] as number;
      const z = edges[i + 1] as number;
      const share =
        width <= 0
          ? b.lower_bound >= a && (b.lower_bound < z || i === bins - 1)
            ? 1
            : 0
          : Math.max(0, Math.min(z, b.upper_bound) - Math.max(a, b.lower_bound)) / width;
      out[i] = (out[i] as number) + (share * b.count) / total;
    }
  }
  return out;
}

function categoricalOverlay(baseline: FeatureStatistics | undefined, window: FeatureStatistics | undefined): Overlay {
  const shares = (f: FeatureStatistics | undefined): Map<string, number> | undefined => {
    const buckets = f?.string_statistics?.distribution?.categorical.buckets;
    if (buckets === undefined) return undefined;
    const total = buckets.reduce((s, b) => s + b.count, 0);
    if (total === 0) return undefined;
    return new Map(buckets.map((b) => [b.value, b.count / total]));
  };
  const b = shares(baseline);
  const w = shares(window);
  if (b === undefined && w === undefined) return { kind: "none" };
  const all = new Set([...(b?.keys() ?? []), ...(w?.keys() ?? [])]);
  // most frequent on either side first; ties by value, so the order is stable
  const ranked = [...all].sort((x, y) => Math.max(b?.get(y) ?? 0, w?.get(y) ?? 0) - Math.max(b?.get(x) ?? 0, w?.get(x) ?? 0) || (x < y ? -1 : x > y ? 1 : 0));
  const values = ranked.slice(0, TOP_VALUES);
  const rest = ranked.length > TOP_VALUES;
  const side = (m: Map<string, number> | undefined): number[] | null => {
    if (m === undefined) return null;
    const shown = values.map((v) => m.get(v) ?? 0);
    return rest ? [...shown, Math.max(0, 1 - shown.reduce((s, x) => s + x, 0))] : shown;
  };
  return { kind: "categorical", values: rest ? [...values, OTHER_VALUES] : values, baseline: side(b), window: side(w) };
}
