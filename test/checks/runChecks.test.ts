import { describe, expect, it } from "vitest";
import { baselineDriftCheck } from "../../src/checks/baselineDriftCheck.js";
import { categoricalValuesCheck } from "../../src/checks/categoricalValuesCheck.js";
import { completenessCheck } from "../../src/checks/completenessCheck.js";
import { dataTypeCheck } from "../../src/checks/dataTypeCheck.js";
import { extraColumnCheck } from "../../src/checks/extraColumnCheck.js";
import { CHECK_TYPES, CHECKS, runChecks } from "../../src/checks/index.js";
import { missingColumnCheck } from "../../src/checks/missingColumnCheck.js";
import { DEFAULT_SKETCH_OPTIONS } from "../../src/profiles/FeatureProfile.js";
import { baselineFromRows, currentOf, type Row } from "./support.js";

// Baseline statistics in the order b, a, s; "k" is known only from constraints.json (it comes last).
const baselineRows: Row[] = Array.from({ length: 100 }, (_, i) => ({ b: i * 0.5, a: i, s: i % 2 === 1 ? "x" : "y" }));

function constraints(monitoring_config?: unknown): Record<string, unknown> {
  const features = [
    { name: "a", inferred_type: "Integral", completeness: 1 },
    { name: "b", inferred_type: "Fractional", completeness: 1, monitoringConfigOverrides: { distribution_constraints: { perform_comparison: "Disabled" } } },
    { name: "s", inferred_type: "String", completeness: 1, string_constraints: { domains: ["x", "y"] } },
    { name: "k", inferred_type: "Integral" },
  ];
  return monitoring_config === undefined ? { version: 0, features } : { version: 0, features, monitoring_config };
}

// Window features in first-seen order: z, a, b, s, y (z and y are extra).
const windowRows: Row[] = Array.from({ length: 100 }, (_, i) => {
  const row: Record<string, unknown> = { z: 1 };
  if (i < 80) row["a"] = i + 1000;
  else if (i < 90) row["a"] = 2.5;
  row["b"] = i * 0.5;
  row["s"] = i < 98 ? (i % 2 === 1 ? "x" : "y") : i === 98 ? "q" : "r";
  row["y"] = "w";
  return row as Row;
});

// category_cap 2: the window's "s" (4 distinct values) is summarised approximately, so its
// categorical_values_check carries a note as well as a description.
const options = { ...DEFAULT_SKETCH_OPTIONS, category_cap: 2 };

const KEYS = ["feature_name", "constraint_check_type", "verdict", "metric", "value", "threshold"];

describe("runChecks", () => {
  const baseline = baselineFromRows(constraints(), baselineRows);
  const current = currentOf(windowRows, options);
  const outcome = runChecks(current, baseline);

  it("orders evaluations by baseline feature order, then extra features in window order; within a feature by CHECK_TYPES", () => {
    expect(outcome.evaluations.map((e) => [e.feature_name, e.constraint_check_type, e.verdict])).toEqual([
      ["b", "data_type_check", "pass"],
      ["b", "completeness_check", "pass"],
      ["b", "baseline_drift_check", "skipped"],
      ["a", "data_type_check", "violation"],
      ["a", "completeness_check", "violation"],
      ["a", "baseline_drift_check", "skipped"], // a failed data_type_check: no drift verdict
      ["s", "data_type_check", "pass"],
      ["s", "completeness_check", "pass"],
      ["s", "baseline_drift_check", "pass"],
      ["s", "categorical_values_check", "violation"],
      ["k", "missing_column_check", "violation"],
      ["z", "extra_column_check", "violation"],
      ["y", "extra_column_check", "violation"],
    ]);
  });

  it("gives every evaluation the keys in one order: feature_name, constraint_check_type, verdict, metric, value, threshold, [note], [description]", () => {
    for (const e of outcome.evaluations) {
      const expected = [...KEYS, ...(e.note !== undefined ? ["note"] : []), ...(e.description !== undefined ? ["description"] : [])];
      expect(Object.keys(e)).toEqual(expected);
    }
    // the cases with optional keys are present: note only, description only, both
    const shapes = new Set(outcome.evaluations.map((e) => `${e.note !== undefined}/${e.description !== undefined}`));
    expect(shapes).toEqual(new Set(["false/false", "true/false", "false/true", "true/true"]));
    const both = outcome.evaluations.find((e) => e.constraint_check_type === "categorical_values_check");
    expect(Object.keys(both ?? {})).toEqual([...KEYS, "note", "description"]);
    // JSON text follows the same order
    expect(JSON.stringify(both)).toMatch(
      /^\{"feature_name":.*"constraint_check_type":.*"verdict":.*"metric":.*"value":.*"threshold":.*"note":.*"description":.*\}$/,
    );
  });

  it("keeps each check's evaluation content (only the key order is normalised)", () => {
    const direct = [dataTypeCheck, completenessCheck, baselineDriftCheck, missingColumnCheck, extraColumnCheck, categoricalValuesCheck].flatMap((c) =>
      c(current, baseline),
    );
    expect(outcome.evaluations).toHaveLength(direct.length);
    for (const e of outcome.evaluations) {
      if (e.feature_name === "a" && e.constraint_check_type === "baseline_drift_check") {
        // the one evaluation runChecks changes: a's data_type_check failed, so its drift is skipped
        expect(direct).toContainEqual(expect.objectContaining({ feature_name: "a", constraint_check_type: "baseline_drift_check", verdict: "violation" }));
        expect(e).toMatchObject({ verdict: "skipped", value: null, note: expect.stringMatching(/^data_type_check failed/) });
        continue;
      }
      expect(direct).toContainEqual(e);
    }
  });

  it("derives violations only from verdict 'violation', in evaluation order, with three keys", () => {
    expect(outcome.violations.map((v) => [v.feature_name, v.constraint_check_type])).toEqual([
      ["a", "data_type_check"],
      ["a", "completeness_check"],
      ["s", "categorical_values_check"],
      ["k", "missing_column_check"],
      ["z", "extra_column_check"],
      ["y", "extra_column_check"],
    ]);
    for (const v of outcome.violations) expect(Object.keys(v)).toEqual(["feature_name", "constraint_check_type", "description"]);
    const violating = outcome.evaluations.filter((e) => e.verdict === "violation");
    expect(outcome.violations.map((v) => v.description)).toEqual(violating.map((e) => e.description));
    expect(outcome.violations.find((v) => v.feature_name === "a" && v.constraint_check_type === "data_type_check")?.description).toBe(
      "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 88.88888888888889% of data is Integral.",
    );
    expect(outcome.violations.find((v) => v.feature_name === "a" && v.constraint_check_type === "completeness_check")?.description).toBe(
      "Data completeness requirement is not met. Expected: 100.0%. Observed: Only 90.0%.",
    );
    expect(outcome.violations.find((v) => v.feature_name === "k")?.description).toBe(
      "There are missing columns in current dataset. Number of columns in current dataset: 5, Number of columns in baseline constraints: 4",
    );
    expect(outcome.violations.find((v) => v.feature_name === "z")?.description).toBe(
      "There are extra columns in current dataset. Number of columns in current dataset: 5, Number of columns in baseline constraints: 4",
    );
  });

  it("is a pure function: the same inputs give the same JSON", () => {
    expect(JSON.stringify(runChecks(currentOf(windowRows, options), baselineFromRows(constraints(), baselineRows)))).toBe(JSON.stringify(outcome));
  });

  it("with evaluate_constraints Disabled globally there is nothing to report", () => {
    const off = baselineFromRows(constraints({ evaluate_constraints: "Disabled" }), baselineRows);
    expect(runChecks(current, off)).toEqual({ evaluations: [], violations: [] });
  });

  it("CHECKS has one check per constraint_check_type, in CHECK_TYPES order", () => {
    expect(CHECK_TYPES).toEqual([
      "data_type_check",
      "completeness_check",
      "baseline_drift_check",
      "missing_column_check",
      "extra_column_check",
      "categorical_values_check",
    ]);
    expect(Object.keys(CHECKS)).toEqual([...CHECK_TYPES]);
    expect(CHECKS.data_type_check).toBe(dataTypeCheck);
    expect(CHECKS.completeness_check).toBe(completenessCheck);
    expect(CHECKS.baseline_drift_check).toBe(baselineDriftCheck);
    expect(CHECKS.missing_column_check).toBe(missingColumnCheck);
    expect(CHECKS.extra_column_check).toBe(extraColumnCheck);
    expect(CHECKS.categorical_values_check).toBe(categoricalValuesCheck);
  });
});
