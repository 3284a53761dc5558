import type { Check, CheckEvaluation } from "./Check.js";

/**
 * extra_column_check: a window feature the baseline lacks (for CSV payloads: more columns than
 * the baseline). One violation per extra feature. Governed by the global `evaluate_constraints`.
 */
export const extraColumnCheck: Check = (current, baseline) => {
  if (baseline.constraints.monitoring_config.evaluate_constraints !== "Enabled") return [];
  const known = new Set(baseline.features.map((f) => f.name));
  const k = current.features.length;
  const b = baseline.features.length;
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
      description: `There are extra columns in current dataset. Number of columns in current dataset: ${k}, Number of columns in baseline constraints: ${b}`,
    });
  }
  return out;
};
