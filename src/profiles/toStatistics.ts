import type { FeatureStatistics, StatisticsFile } from "../formats/statisticsFormat.js";
import type { WeightedDistribution } from "../sketches/kllSketch.js";
import { ValueKind } from "../records/valueType.js";
import type { InferredType } from "../formats/statisticsFormat.js";
import type { DatasetProfile } from "./DatasetProfile.js";
import type { FeatureProfile } from "./FeatureProfile.js";
import { deequHistogramOrder } from "./scalaHashMapOrder.js";

/** SageMaker's fixed bucket count for `distribution.kll.buckets` ("10 buckets … not configurable"). */
export const KLL_BUCKETS = 10;

/**
 * A column's `inferred_type` from its value kinds (dqstream-decisions.md, Types): all missing →
 * Unknown; any String, or any Boolean (SageMaker has no Boolean type) → String; any Fractional →
 * Fractional; otherwise Integral.
 */
export function inferredType(kinds: ArrayLike<number>): InferredType {
  const integral = kinds[ValueKind.Integral] as number;
  const fractional = kinds[ValueKind.Fractional] as number;
  const boolean = kinds[ValueKind.Boolean] as number;
  const string = kinds[ValueKind.String] as number;
  if (integral + fractional + boolean + string === 0) return "Unknown";
  if (string > 0 || boolean > 0) return "String";
  if (fractional > 0) return "Fractional";
  return "Integral";
}

export type KllBucket = {
  lower_bound: number;
  upper_bound: number;
  count: number;
};

/**
 * Deequ KLLSketch.scala's histogram: 10 equal-width buckets over [min, max] with bounds
 * `min + (max − min)·i / 10.0` (multiply first, as Deequ does), counts
 * `rankExclusive(upper) − rankExclusive(lower)`, the last bucket closed: `rank(upper) − …`.
 */
export function kllBuckets(dist: WeightedDistribution, min: number, max: number, buckets = KLL_BUCKETS): KllBucket[] {
  const out: KllBucket[] = [];
  for (let i = 0; i < buckets; i++) {
    const lower = min + ((max - min) * i) / buckets;
    const upper = min + ((max - min) * (i + 1)) / buckets;
    const high = i === buckets - 1 ? dist.rank(upper) : dist.rankExclusive(upper);
    out.push({ lower_bound: lower, upper_bound: upper, count: high - dist.rankExclusive(lower) });
  }
  return out;
}

/** The statistics.json document of a profile (SageMaker schema, our key order). */
export function toStatistics(profile: DatasetProfile): StatisticsFile {
  return {
    version: 0,
    dataset: { item_count: profile.itemCount },
    features: [...profile.features.values()].map((f) => featureStatistics(f, profile.itemCount)),
  };
}

/**
 * A String feature gets `distribution.categorical` when its approximate distinct count is at most
 * this: Deequ ColumnProfiler's DEFAULT_CARDINALITY_THRESHOLD (`findTargetColumnsForHistograms`:
 * `approximateNumDistinctValues <= lowCardinalityHistogramThreshold`), which SageMaker's 2024
 * output follows (state 53 and county 86 have buckets; zipcode 4,811, city 2,477, id 24,000 none).
 */
export const CATEGORICAL_DISTRIBUTION_MAX_DISTINCT = 120;

/**
 * One feature of statistics.json, in SageMaker's current analyzer's shape and key order (2024):
 * numeric `common, mean, sum, std_dev, min, max, approximate_num_distinct_values, completeness,
 * distribution`; String `common, distinct_count, completeness, distribution`, the distribution
 * only under the cardinality threshold, its buckets exact and in the order SageMaker lists them.
 */
export function featureStatistics(f: FeatureProfile, itemCount: number): FeatureStatistics {
  const type = inferredType(f.kinds);
  const common = { num_present: f.numPresent, num_missing: itemCount - f.numPresent };
  const completeness = itemCount > 0 ? { completeness: f.numPresent / itemCount } : {};
  const distinct = f.distinctEstimate(); // an integer: Deequ rounds its estimate
  if (type === "Integral" || type === "Fractional") {
    const m = f.moments;
    const has = m.count > 0;
    const dist = f.kll.toDistribution();
    return {
      name: f.name,
      inferred_type: type,
      numerical_statistics: {
        common,
        mean: has ? m.mean : 0,
        sum: has ? m.sum.value() : 0,
        std_dev: has ? m.stdDev : 0,
        min: has ? m.min : 0,
        max: has ? m.max : 0,
        approximate_num_distinct_values: distinct,
        ...completeness,
        distribution: {
          kll: {
            buckets: has ? kllBuckets(dist, m.min, m.max) : [],
            sketch: { parameters: { c: f.kll.c, k: f.kll.k }, data: f.kll.levels() },
          },
        },
      },
    };
  }
  const summary = f.categorySummary();
  // Exact buckets are needed to list them: with category_cap below the threshold a feature can
  // have few distinct values and still no exact counts (docs/formats.md).
  const categorical = type === "String" && distinct <= CATEGORICAL_DISTRIBUTION_MAX_DISTINCT && summary.exact;
  const buckets = categorical ? inDeequOrder(f.name, summary.buckets) : [];
  return {
    name: f.name,
    inferred_type: type,
    string_statistics: {
      common,
      distinct_count: distinct,
      ...completeness,
      ...(categorical ? { distribution: { categorical: { buckets: buckets.map(([value, count]) => ({ value, count })) } } } : {}),
    },
  };
}

/**
 * Buckets in SageMaker's order: Deequ's histogram map iteration order (Scala 2.12 immutable.HashMap
 * of the value strings from 5 values, of (feature, value) pairs below; scalaHashMapOrder.ts).
 */
function inDeequOrder(feature: string, buckets: ReadonlyArray<readonly [string, number]>): Array<readonly [string, number]> {
  const counts = new Map(buckets);
  return deequHistogramOrder(feature, [...counts.keys()]).map((v) => [v, counts.get(v) as number] as const);
}
