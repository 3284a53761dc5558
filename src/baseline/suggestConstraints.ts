import { DEFAULT_MONITORING_CONFIG, type Constraints, type FeatureConstraints } from "../formats/constraintsFormat.js";
import type { FeatureStatistics, StatisticsFile } from "../formats/statisticsFormat.js";
import { CATEGORICAL_DISTRIBUTION_MAX_DISTINCT } from "../profiles/toStatistics.js";

/** Deequ's categorical range rule: at most this share of the distribution's values is seen only once. */
export const MAX_UNIQUE_VALUE_RATIO = 0.1;

/**
 * Suggested constraints from baseline statistics (dqstream-decisions.md, Suggested constraints).
 * A pure function of statistics.json, so it applies to SageMaker's own files as well as ours.
 */
export function suggestConstraints(stats: StatisticsFile): Constraints {
  const n = stats.dataset.item_count;
  return {
    version: 0,
    features: stats.features.map((f) => suggestFeature(f, n)),
    monitoring_config: structuredClone(DEFAULT_MONITORING_CONFIG),
  };
}

function suggestFeature(f: FeatureStatistics, itemCount: number): FeatureConstraints {
  const out: FeatureConstraints = { name: f.name, inferred_type: f.inferred_type };
  const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
  if (common !== undefined) {
    const n = itemCount > 0 ? itemCount : common.num_present + common.num_missing;
    out.completeness = suggestedCompleteness(common.num_present, n);
  }
  if (f.numerical_statistics !== undefined && (f.inferred_type === "Integral" || f.inferred_type === "Fractional")) {
    out.num_constraints = { is_non_negative: f.numerical_statistics.min >= 0 };
  }
  if (f.inferred_type === "String" && f.string_statistics !== undefined) {
    const s = f.string_statistics;
    // a statistics file from elsewhere (an older dqstream) may list buckets above the threshold
    const categorical = s.distinct_count <= CATEGORICAL_DISTRIBUTION_MAX_DISTINCT ? s.distribution?.categorical.buckets : undefined;
    const domains = suggestedDomains(s.common.num_present, categorical);
    if (domains !== undefined) out.string_constraints = { domains };
  }
  return out;
}

/**
 * 1.0 for a complete column; for 0.2 < p < 1 Deequ's RetainCompletenessRule lower bound
 * p − 1.96·√(p(1−p)/n) rounded down to 2 decimals; for p ≤ 0.2, p rounded down to 2 decimals.
 */
export function suggestedCompleteness(present: number, n: number): number {
  if (n === 0) return 0;
  const p = present / n;
  if (p >= 1) return 1;
  if (p <= 0.2) return floorDecimals(p, 2);
  return floorDecimals(Math.max(0, p - 1.96 * Math.sqrt((p * (1 - p)) / n)), 2);
}

/**
 * Rounds down to `digits` decimals the way Scala's `BigDecimal(x).setScale(d, DOWN)` does: on
 * the shortest decimal that prints as x (Double.toString), so 0.29 stays 0.29.
 */
export function floorDecimals(x: number, digits: number): number {
  if (x < 0) return -floorDecimals(-x, digits);
  const text = String(x);
  if (text.includes("e")) return x < 1 ? 0 : x;
  const dot = text.indexOf(".");
  if (dot === -1) return x;
  return Number(text.slice(0, dot + 1 + digits));
}

/**
 * All observed values, in the buckets' order (SageMaker's 2024 constraints list its domains in
 * the order of its statistics' buckets), when the feature has a categorical distribution (its
 * distinct_count at most CATEGORICAL_DISTRIBUTION_MAX_DISTINCT: the one threshold, as in
 * toStatistics), its buckets cover every present value, and values seen once make up at most 10 %
 * of them (Deequ's CategoricalRangeRule, which has no cap of its own; SageMaker's state 1/54 and
 * county 5/83 pass it).
 */
function suggestedDomains(present: number, buckets: Array<{ value: string; count: number }> | undefined): string[] | undefined {
  if (buckets === undefined || buckets.length === 0) return undefined;
  const covered = buckets.reduce((s, b) => s + b.count, 0);
  if (covered !== present) return undefined;
  const once = buckets.filter((b) => b.count === 1).length;
  if (once / buckets.length > MAX_UNIQUE_VALUE_RATIO) return undefined;
  return buckets.map((b) => b.value);
}
