import { columnCount, evaluatesConstraints, type Check, type CheckEvaluation } from "./Check.js";

/**
 * missing_column_check: a baseline feature absent from the window (for CSV payloads: fewer
 * columns than the baseline). One violation per missing feature; the description gives the
 * column counts. Governed by the feature's effective `evaluate_constraints` (the global value with
 * the feature's override applied), like every per-feature check (dqstream-decisions.md, Checks).
 */
export const missingColumnCheck: Check = (current, baseline) => {
  const present = new Set(current.features.map((f) => f.name));
  const k = columnCount(current);
  const b = baseline.features.length;
  const out: CheckEvaluation[] = [];
  for (const bf of baseline.features) {
    if (present.has(bf.name) || !evaluatesConstraints(bf.config)) continue;
    out.push({
      feature_name: bf.name,
      constraint_check_type: "missing_column_check",
      verdict: "violation",
      metric: "column_count",
      value: k,
      threshold: b,
      description: `There are missing columns in current dataset. Number of columns in current dataset: ${k}, Number of columns in baseline constraints: ${b}`,
    });
  }
  return out;
};
