/**
 * (a) SageMaker's own files load as a baseline: the SageMaker Python SDK's test fixtures
 * (aws/sagemaker-python-sdk tests/data/monitor, Apache-2.0; test/sagemaker/SOURCES.md), written by
 * the analyzer's 2019 version, with their legacy spellings.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBaseline } from "../../src/baseline/loadBaseline.js";
import { runChecks } from "../../src/checks/index.js";
import { currentOf, times } from "../checks/support.js";

const SDK = join(import.meta.dirname, "artifacts/sdk-fixtures");

describe("the SageMaker Python SDK's fixtures as a baseline", () => {
  it("loads statistics.json and constraints.json, normalising the 2019 spellings", async () => {
    const b = await loadBaseline(join(SDK, "statistics.json"), join(SDK, "constraints.json"));
    expect(b.featureNames).toEqual(["message", "second_message"]);
    expect(b.warnings).toEqual([expect.stringMatching(/1 feature that .*statistics\.json lacks: second_message/)]);
    const [message, second] = b.baseline.features;
    expect(message).toMatchObject({ inferred_type: "String", categories: [["preproc-not-YET-supported-for-csv-json", 418]], num_present: 418 });
    // enable_comparisons: true, min_domain_mass 1.0, comparison_threshold 1.0 (2019 layout)
    expect(b.constraints.monitoring_config).toMatchObject({
      evaluate_constraints: "Enabled",
      domain_content_threshold: 1,
      distribution_constraints: { perform_comparison: "Enabled", comparison_threshold: 1 },
    });
    // string_constraints.monitoring_config_overrides, the SDK's set_monitoring spelling
    expect(message?.config.evaluate_constraints).toBe("Enabled");
    expect(second?.constraints?.string_constraints?.domains).toEqual(["preproc-not-YET-supported-for-csv-json"]);
  });

  it("checks a window against it: values outside the fixture's domain violate categorical_values_check", async () => {
    const b = await loadBaseline(join(SDK, "statistics.json"), join(SDK, "constraints.json"));
    const window = currentOf([
      ...times({ message: "preproc-not-YET-supported-for-csv-json", second_message: "x" }, 9),
      { message: "other", second_message: "x" },
    ]);
    const { violations } = runChecks(window, b.baseline);
    // no drift: the fixture's comparison_threshold is 1.0
    expect(violations.map((v) => `${v.feature_name} ${v.constraint_check_type}`)).toEqual([
      "message categorical_values_check",
      "second_message categorical_values_check",
    ]);
  });
});
