import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { FEATURE_OVERRIDE_SPELLINGS, parseConstraints } from "../../src/formats/constraintsFormat.js";
import { baselineFromRows, column, currentOf, times } from "./support.js";

/**
 * Issue 10, point 3: a feature disabled by a per-feature override raises no violation, whichever
 * spelling SageMaker's SDKs or docs used to write the override (src/formats/constraintsFormat.ts,
 * FEATURE_OVERRIDE_SPELLINGS). The baseline has `plan` (String, domain [a, b]) and `age` (Integral).
 */
const baselineRows = [...column("plan", times("a", 50)), ...column("plan", times("b", 50))].map((r, i) => ({ ...r, age: i }));
/** A window where checks on `plan` fire: values outside the domain, drift, incompleteness. */
const windowRows = [...times({ plan: 7, age: 1 }, 60), ...times({ plan: "zzz", age: 2 }, 30), ...times({ age: 3 }, 10)];

function constraintsWith(feature: Record<string, unknown>): unknown {
  return {
    version: 0,
    features: [
      { name: "plan", inferred_type: "String", completeness: 1.0, string_constraints: { domains: ["a", "b"] }, ...feature },
      { name: "age", inferred_type: "Integral", completeness: 1.0, num_constraints: { is_non_negative: true } },
    ],
    monitoring_config: { evaluate_constraints: "Enabled" },
  };
}

function violationsOn(feature: string, constraints: unknown): string[] {
  const { violations } = runChecks(currentOf(windowRows), baselineFromRows(constraints, baselineRows));
  return violations.filter((v) => v.feature_name === feature).map((v) => v.constraint_check_type);
}

describe("per-feature monitoring overrides, every spelling", () => {
  it("without an override, plan violates its completeness, drift and domain checks", () => {
    expect(violationsOn("plan", constraintsWith({}))).toEqual(["completeness_check", "baseline_drift_check", "categorical_values_check"]);
  });

  it("string_constraints.monitoring_config_overrides: what Constraints.set_monitoring(False, feature_name=…) writes (sagemaker 1.x, 2.x to 2.257.6, sagemaker-core)", () => {
    // The SDK's own code path: string_constraints gets monitoring_config_overrides.evaluate_constraints.
    const c = constraintsWith({ string_constraints: { domains: ["a", "b"], monitoring_config_overrides: { evaluate_constraints: "Disabled" } } });
    expect(violationsOn("plan", c)).toEqual([]);
    expect(violationsOn("age", c)).toEqual(violationsOn("age", constraintsWith({})));
  });

  it("monitoring_config_overrides at feature level (snake case: what set_monitoring writes since sagemaker 2.257.7)", () => {
    expect(violationsOn("plan", constraintsWith({ monitoring_config_overrides: { evaluate_constraints: "Disabled" } }))).toEqual([]);
  });

  it("monitoringConfigOverrides at feature level (SageMaker's constraints documentation)", () => {
    expect(violationsOn("plan", constraintsWith({ monitoringConfigOverrides: { evaluate_constraints: "Disabled" } }))).toEqual([]);
  });

  it("num_constraints.monitoring_config_overrides for a numeric feature", () => {
    const c = {
      version: 0,
      features: [
        { name: "age", inferred_type: "String", completeness: 1.0, num_constraints: { monitoring_config_overrides: { evaluate_constraints: "Disabled" } } },
      ],
    };
    const { violations } = runChecks(currentOf(windowRows), baselineFromRows(c, baselineRows));
    expect(violations.filter((v) => v.feature_name === "age")).toEqual([]);
  });

  it("several spellings merge key by key; the documented camelCase wins on a conflict", () => {
    const c = parseConstraints(
      "c.json",
      constraintsWith({
        string_constraints: { domains: ["a"], monitoring_config_overrides: { evaluate_constraints: "Disabled", datatype_check_threshold: 0.2 } },
        monitoring_config_overrides: { domain_content_threshold: 0.3 },
        monitoringConfigOverrides: { evaluate_constraints: "Enabled" },
      }),
    );
    expect(c.features[0]?.monitoringConfigOverrides).toEqual({ evaluate_constraints: "Enabled", datatype_check_threshold: 0.2, domain_content_threshold: 0.3 });
  });

  it("every spelling is listed and tested here", () => {
    expect(FEATURE_OVERRIDE_SPELLINGS.map((s) => s.path)).toEqual([
      "string_constraints.monitoring_config_overrides",
      "num_constraints.monitoring_config_overrides",
      "monitoring_config_overrides",
      "monitoringConfigOverrides",
    ]);
  });

  it("an override value out of range names its path in the SDK's spelling", () => {
    expect(() => parseConstraints("c.json", constraintsWith({ monitoring_config_overrides: { datatype_check_threshold: 2 } }))).toThrow(
      /\$\.features\[0\]\.monitoring_config_overrides\.datatype_check_threshold: expected a number from 0 to 1, got 2/,
    );
  });
});
