import { evaluatesConstraints, type BaselineFeature, type Check, type CheckEvaluation, type CurrentFeature } from "./Check.js";
import { chiSquaredPValue, linfCategorical, linfNumeric, robust } from "./distances.js";
import { javaDouble } from "./javaDouble.js";

/**
 * baseline_drift_check (dqstream-decisions.md, Checks):
 * - numeric features (baseline Integral/Fractional): L∞ between the baseline CDF (its kll sketch)
 *   and the window's; `comparison_method` Robust subtracts 1.8·√((n+m)/(n·m)), floored at 0;
 *   fires when distance > `comparison_threshold`;
 * - String features: `categorical_drift_method` LInfinity is the L∞ between frequency vectors over
 *   the union of categories (Robust correction as above), fires when > `categorical_comparison_threshold`;
 *   ChiSquared fires when the goodness-of-fit p-value < `categorical_comparison_threshold`.
 * Skipped when `perform_comparison` is Disabled or either side has no distribution, and for String
 * features when either side's buckets do not account for every counted value: a baseline whose
 * buckets sum to less than its num_present (an older dqstream baseline of a high-cardinality
 * column listed some values only; SageMaker writes no distribution there), or a window whose
 * numeric values were only counted (more than category_cap distinct). An L∞ over part of a
 * distribution reports drift that is not there (issue 10: 0.84 on clean zip codes).
 */
export const baselineDriftCheck: Check = (current, baseline) => {
  const byName = new Map(current.features.map((f) => [f.name, f]));
  const out: CheckEvaluation[] = [];
  for (const bf of baseline.features) {
    const cf = byName.get(bf.name);
    if (cf === undefined || !evaluatesConstraints(bf.config)) continue;
    const evaluation = evaluate(bf, cf);
    if (evaluation !== undefined) out.push(evaluation);
  }
  return out;
};

function evaluate(bf: BaselineFeature, cf: CurrentFeature): CheckEvaluation | undefined {
  const dc = bf.config.distribution_constraints;
  const type = bf.constraints?.inferred_type ?? bf.inferred_type;
  const base = { feature_name: bf.name, constraint_check_type: "baseline_drift_check" as const };
  const skipped = (metric: string, threshold: number, note: string): CheckEvaluation => ({ ...base, verdict: "skipped", metric, value: null, threshold, note });
  if (type === "Integral" || type === "Fractional") {
    const metric = dc.comparison_method === "Robust" ? "linf_robust" : "linf_simple";
    const threshold = dc.comparison_threshold;
    if (dc.perform_comparison !== "Enabled") return skipped(metric, threshold, "perform_comparison is Disabled");
    if (bf.distribution === undefined || bf.distribution.total === 0) return skipped(metric, threshold, "the baseline has no kll sketch");
    if (cf.distribution === undefined || cf.distribution.total === 0) return skipped(metric, threshold, "no numeric values in the window");
    const simple = linfNumeric(bf.distribution, cf.distribution);
    const distance = metric === "linf_robust" ? robust(simple, bf.distribution.total, cf.distribution.total) : simple;
    return verdict(base, metric, distance, threshold, distance > threshold);
  }
  if (type === "String") {
    const threshold = dc.categorical_comparison_threshold;
    const chi = dc.categorical_drift_method === "ChiSquared";
    const metric = chi ? "chi_squared_p_value" : dc.comparison_method === "Robust" ? "linf_robust" : "linf_simple";
    if (dc.perform_comparison !== "Enabled") return skipped(metric, threshold, "perform_comparison is Disabled");
    if (bf.categories === undefined || bf.categories.length === 0) return skipped(metric, threshold, "the baseline has no categorical buckets");
    const baselineTotal = bf.categories.reduce((s, [, c]) => s + c, 0);
    if (bf.num_present !== undefined && baselineTotal < bf.num_present) {
      return skipped(metric, threshold, `the baseline's categorical buckets account for ${baselineTotal} of its ${bf.num_present} values`);
    }
    if (cf.categories.total === 0) return skipped(metric, threshold, "no values in the window");
    if (cf.categories.unlisted > 0) {
      return skipped(
        metric,
        threshold,
        `${cf.categories.unlisted} of the window's ${cf.categories.total} values are numbers with more than category_cap distinct values, counted but not listed`,
      );
    }
    if (chi) {
      const p = chiSquaredPValue(cf.categories.buckets, bf.categories);
      if (Number.isNaN(p)) return skipped(metric, threshold, "fewer than 2 categories after merging sparse ones");
      return verdict(base, metric, p, threshold, p < threshold);
    }
    const simple = linfCategorical(bf.categories, baselineTotal, cf.categories.buckets, cf.categories.total);
    const distance = metric === "linf_robust" ? robust(simple, baselineTotal, cf.categories.total) : simple;
    return verdict(base, metric, distance, threshold, distance > threshold);
  }
  return undefined;
}

function verdict(
  base: { feature_name: string; constraint_check_type: "baseline_drift_check" },
  metric: string,
  value: number,
  threshold: number,
  violated: boolean,
): CheckEvaluation {
  if (!violated) return { ...base, verdict: "pass", metric, value, threshold };
  const description =
    metric === "chi_squared_p_value"
      ? `Baseline drift ChiSquared p-value: ${javaDouble(value)} is below threshold: ${javaDouble(threshold)}`
      : `Baseline drift distance: ${javaDouble(value)} exceeds threshold: ${javaDouble(threshold)}`;
  return { ...base, verdict: "violation", metric, value, threshold, description };
}
