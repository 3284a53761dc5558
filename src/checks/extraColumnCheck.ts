import { columnCount, NOT_PROFILED_FEATURES, type Check, type CheckEvaluation } from "./Check.js";

/**
 * extra_column_check: a window feature the baseline lacks (for CSV payloads: more columns than
 * the baseline). One violation per extra feature, plus one for the features past max_features,
 * which were counted but not profiled (they are extra columns too: baseline features are always
 * profiled). Governed by the global `evaluate_constraints`.
 */
export const extraColumnCheck: Check = (current, baseline) => {
  if (baseline.constraints.monitoring_config.evaluate_constraints !== "Enabled") return [];
  const known = new Set(baseline.features.map((f) => f.name));
  const k = columnCount(current);
  const b = baseline.features.length;
  const description = `There are extra columns in current dataset. Number of columns in current dataset: ${k}, Number of columns in baseline constraints: ${b}`;
  const out: CheckEvaluation[] = [];
  for (const cf of current.features) {
    if (known.has(cf.name)) continue;
    out.push({
      feature_name: cf.name,
      constraint_check_type: "extra_column_check",
      verdict: "violation",
      metric: "column_count",
      value: k,
      threshold: b,
      description,
    });
  }
  const np = current.not_profiled;
  if (np !== undefined && np.values > 0) {
    out.push({
      feature_name: NOT_PROFILED_FEATURES,
      constraint_check_type: "extra_column_check",
      verdict: "violation",
      metric: "column_count",
      value: k,
      threshold: b,
      note: `about ${np.distinct_names} more features (${np.values} values) were counted but not profiled: max_features is ${np.max_features}`,
      description,
    });
  }
  return out;
};
