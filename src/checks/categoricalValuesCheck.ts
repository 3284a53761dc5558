import { evaluatesConstraints, type Check, type CheckEvaluation } from "./Check.js";
import { javaDouble } from "./javaDouble.js";

/**
 * categorical_values_check: for a feature with `string_constraints.domains`, the share of the
 * window's non-missing values inside the domain must be at least `domain_content_threshold`.
 * Exact while the window has at most category_cap distinct values for the feature; beyond, the
 * heavy-hitter counts make the share a lower bound (noted in the evaluation).
 */
export const categoricalValuesCheck: Check = (current, baseline) => {
  const byName = new Map(current.features.map((f) => [f.name, f]));
  const out: CheckEvaluation[] = [];
  for (const bf of baseline.features) {
    const domains = bf.constraints?.string_constraints?.domains;
    const cf = byName.get(bf.name);
    if (domains === undefined || cf === undefined || !evaluatesConstraints(bf.config)) continue;
    const threshold = bf.config.domain_content_threshold;
    const base = { feature_name: bf.name, constraint_check_type: "categorical_values_check" as const, metric: "in_domain_fraction", threshold };
    if (cf.categories.total === 0) {
      out.push({ ...base, verdict: "skipped", value: null, note: "no non-missing values in the window" });
      continue;
    }
    const domain = new Set(domains);
    let inside = 0;
    for (const [value, count] of cf.categories.buckets) if (domain.has(value)) inside += count;
    const fraction = inside / cf.categories.total;
    const note = cf.categories.exact ? {} : { note: "approximate: more distinct values than category_cap; the share is a lower bound" };
    if (fraction < threshold) {
      out.push({
        ...base,
        ...note,
        verdict: "violation",
        value: fraction,
        // The only real text SageMaker is known to write for this check (the SDK's fixture of a real
        // execution): Deequ's constraint message, the metric being the in-domain share. AWS's
        // visualization helper parses the share back with `Value: (.+) does not meet the
        // constraint requirement!` (docs/formats.md, Violation texts).
        description: `Value: ${javaDouble(fraction)} does not meet the constraint requirement! `,
      });
    } else {
      out.push({ ...base, ...note, verdict: "pass", value: fraction });
    }
  }
  return out;
};
