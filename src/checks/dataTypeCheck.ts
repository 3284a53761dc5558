import { evaluatesConstraints, type Check, type CheckEvaluation } from "./Check.js";
import { javaDouble } from "./javaDouble.js";

/**
 * data_type_check: the share of a feature's non-missing window values that match the baseline's
 * type must be at least `datatype_check_threshold`. Integral matches Integral values; Fractional
 * matches Integral and Fractional values; String matches everything (dqstream-decisions.md).
 */
export const dataTypeCheck: Check = (current, baseline) => {
  const byName = new Map(current.features.map((f) => [f.name, f]));
  const out: CheckEvaluation[] = [];
  for (const bf of baseline.features) {
    const cf = byName.get(bf.name);
    if (cf === undefined || !evaluatesConstraints(bf.config)) continue;
    const expected = bf.constraints?.inferred_type ?? bf.inferred_type;
    const base = { feature_name: bf.name, constraint_check_type: "data_type_check" as const, metric: "match_fraction" };
    const threshold = bf.config.datatype_check_threshold;
    if (expected === "Unknown") {
      out.push({ ...base, verdict: "skipped", value: null, threshold, note: "baseline type is Unknown" });
      continue;
    }
    if (cf.num_present === 0) {
      out.push({ ...base, verdict: "skipped", value: null, threshold, note: "no non-missing values in the window" });
      continue;
    }
    const matched = expected === "Integral" ? cf.integral : expected === "Fractional" ? cf.integral + cf.fractional : cf.num_present;
    const fraction = matched / cf.num_present;
    if (fraction < threshold) {
      out.push({
        ...base,
        verdict: "violation",
        value: fraction,
        threshold,
        description: `Data type match requirement is not met. Expected data type: ${expected}, Expected match: ${javaDouble(threshold * 100)}%. Observed: Only ${javaDouble(fraction * 100)}% of data is ${expected}.`,
      });
    } else {
      out.push({ ...base, verdict: "pass", value: fraction, threshold });
    }
  }
  return out;
};
