import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { baselineFromRows, currentOf, only } from "./support.js";

/**
 * Issue 10, point 2, the Model Monitor introduction example's real execution: the baseline's
 * first column `Churn` holds 0/1 labels, the captured output column holds probabilities.
 * SageMaker reported its data_type_check and no baseline_drift_check.
 */
const baselineRows = Array.from({ length: 200 }, (_, i) => ({ Churn: i % 7 === 0 ? 1 : 0, calls: i % 10 }));
const constraints = {
  version: 0,
  features: [
    { name: "Churn", inferred_type: "Integral", completeness: 1.0, num_constraints: { is_non_negative: true } },
    { name: "calls", inferred_type: "Integral", completeness: 1.0, num_constraints: { is_non_negative: true } },
  ],
};

describe("baseline_drift_check after a failed data_type_check", () => {
  const baseline = baselineFromRows(constraints, baselineRows);

  it("is skipped, with the reason, for a feature whose values are not of the baseline type (Churn probabilities)", () => {
    const window = Array.from({ length: 100 }, (_, i) => ({ Churn: 0.013 + i / 200, calls: i % 10 }));
    const { evaluations, violations } = runChecks(currentOf(window), baseline);
    expect(violations.map((v) => `${v.feature_name} ${v.constraint_check_type}`)).toEqual(["Churn data_type_check"]);
    expect(violations[0]?.description).toBe(
      "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 0.0% of data is Integral.",
    );
    const drift = only(
      evaluations.filter((e) => e.constraint_check_type === "baseline_drift_check"),
      "Churn",
    );
    expect(drift).toEqual({
      feature_name: "Churn",
      constraint_check_type: "baseline_drift_check",
      verdict: "skipped",
      metric: "linf_robust",
      value: null,
      threshold: 0.1,
      note: "data_type_check failed: drift is not evaluated for values not of the baseline type",
    });
  });

  it("is evaluated as before when the type check passes, and reports drift of the same feature", () => {
    const window = Array.from({ length: 100 }, () => ({ Churn: 1, calls: 9 }));
    const { violations } = runChecks(currentOf(window), baseline);
    expect(violations.map((v) => `${v.feature_name} ${v.constraint_check_type}`)).toEqual(["Churn baseline_drift_check", "calls baseline_drift_check"]);
  });

  it("is evaluated when the type share passes a lowered datatype_check_threshold", () => {
    const lowered = { ...constraints, monitoring_config: { datatype_check_threshold: 0.5 } };
    const window = Array.from({ length: 100 }, (_, i) => ({ Churn: i < 10 ? 0.5 : 1, calls: 1 }));
    const { evaluations } = runChecks(currentOf(window), baselineFromRows(lowered, baselineRows));
    const drift = only(
      evaluations.filter((e) => e.constraint_check_type === "baseline_drift_check"),
      "Churn",
    );
    expect(drift.verdict).toBe("violation");
  });
});
