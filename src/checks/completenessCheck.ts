import { evaluatesConstraints, type Check, type CheckEvaluation } from "./Check.js";
import { javaDouble } from "./javaDouble.js";

/**
 * completeness_check: a feature's non-missing share in the window (num_present / item_count) must
 * be at least its constraint `completeness`. Features without a completeness constraint, and
 * features absent from the window (missing_column_check's case), are not evaluated.
 */
export const completenessCheck: Check = (current, baseline) => {
  const byName = new Map(current.features.map((f) => [f.name, f]));
  const out: CheckEvaluation[] = [];
  for (const bf of baseline.features) {
    const cf = byName.get(bf.name);
    const required = bf.constraints?.completeness;
    if (cf === undefined || required === undefined || !evaluatesConstraints(bf.config) || current.item_count === 0) continue;
    const observed = cf.num_present / current.item_count;
    const base = { feature_name: bf.name, constraint_check_type: "completeness_check" as const, metric: "completeness", value: observed, threshold: required };
    if (observed < required) {
      out.push({
        ...base,
        verdict: "violation",
        // SageMaker's text, verbatim from a real execution report (docs/formats.md, Violation texts)
        description: `Data completeness requirement is not met. Expected: ${javaDouble(required * 100)}%. Observed: Only ${javaDouble(observed * 100)}%.`,
      });
    } else {
      out.push({ ...base, verdict: "pass" });
    }
  }
  return out;
};
