import { describe, expect, it } from "vitest";
import { dataTypeCheck } from "../../src/checks/dataTypeCheck.js";
import { baselineFromRows, baselineOf, column, currentOf, only, statisticsOf } from "./support.js";

/** Baseline rows: `i` Integral, `f` Fractional, `s` String. */
const baselineRows = [
  { i: 1, f: 1.5, s: "a" },
  { i: 2, f: 2.5, s: "b" },
];

function constraints(extra: Record<string, unknown> = {}, features?: unknown[]): Record<string, unknown> {
  return {
    version: 0,
    features: features ?? [
      { name: "i", inferred_type: "Integral" },
      { name: "f", inferred_type: "Fractional" },
      { name: "s", inferred_type: "String" },
    ],
    ...extra,
  };
}

describe("data_type_check", () => {
  it("fires for an Integral feature when 3 of 4 values are Integral, with SageMaker's text", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const current = currentOf(column("i", [1, 2, 3, 4.5]));
    const e = only(dataTypeCheck(current, baseline), "i");
    expect(e).toEqual({
      feature_name: "i",
      constraint_check_type: "data_type_check",
      metric: "match_fraction",
      verdict: "violation",
      value: 0.75,
      threshold: 1,
      description: "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 75.0% of data is Integral.",
    });
  });

  it("counts only non-missing values (nulls and absent keys are not mismatches)", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const current = currentOf([{ i: 1 }, { i: null }, { i: "" }, { other: 3 }, { i: "x" }]);
    const e = only(dataTypeCheck(current, baseline), "i");
    expect(e.value).toBe(0.5);
    expect(e.description).toBe(
      "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 50.0% of data is Integral.",
    );
  });

  it("prints the observed share like Java: 0 of 2 → 0.0%, 2 of 3 → (2/3)·100 = 66.66666666666666%", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(only(dataTypeCheck(currentOf(column("i", ["a", "b"])), baseline), "i").description).toBe(
      "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 0.0% of data is Integral.",
    );
    expect(only(dataTypeCheck(currentOf(column("f", [1, 2.5, "z"])), baseline), "f").description).toBe(
      "Data type match requirement is not met. Expected data type: Fractional, Expected match: 100.0%. Observed: Only 66.66666666666666% of data is Fractional.",
    );
  });

  it("passes when every value matches", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const e = only(dataTypeCheck(currentOf(column("i", [1, 2, "3", " 4"])), baseline), "i");
    expect(e).toEqual({ feature_name: "i", constraint_check_type: "data_type_check", metric: "match_fraction", verdict: "pass", value: 1, threshold: 1 });
  });

  it("Fractional accepts Integral values (but not booleans or strings)", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(only(dataTypeCheck(currentOf(column("f", [1, 2, 3.25, "4", "5.5e3"])), baseline), "f")).toMatchObject({ verdict: "pass", value: 1 });
    expect(only(dataTypeCheck(currentOf(column("f", [1, 2.5, true, "x"])), baseline), "f")).toMatchObject({ verdict: "violation", value: 0.5 });
  });

  it("Integral does not accept Fractional values", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(only(dataTypeCheck(currentOf(column("i", [1.5, "2.0"])), baseline), "i")).toMatchObject({ verdict: "violation", value: 0 });
  });

  it("String accepts everything", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const e = only(dataTypeCheck(currentOf(column("s", [1, 2.5, true, "x", "1e3", { a: 1 }])), baseline), "s");
    expect(e).toMatchObject({ verdict: "pass", value: 1, threshold: 1 });
  });

  it("skips an Unknown baseline feature", () => {
    const baseline = baselineFromRows(constraints({}, [{ name: "u", inferred_type: "Unknown" }]), [{ u: null }, { u: null }]);
    const e = only(dataTypeCheck(currentOf(column("u", [1, "x"])), baseline), "u");
    expect(e).toEqual({
      feature_name: "u",
      constraint_check_type: "data_type_check",
      metric: "match_fraction",
      verdict: "skipped",
      value: null,
      threshold: 1,
      note: "baseline type is Unknown",
    });
  });

  it("skips a feature whose window values are all missing", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(only(dataTypeCheck(currentOf(column("i", [null, ""])), baseline), "i")).toMatchObject({ verdict: "skipped", value: null });
  });

  it("does not evaluate a baseline feature absent from the window (missing_column_check's case)", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(dataTypeCheck(currentOf(column("x", [1])), baseline)).toEqual([]);
  });

  it("takes the type from constraints.json over statistics.json", () => {
    // statistics say Fractional; constraints say Integral
    const baseline = baselineOf(constraints({}, [{ name: "f", inferred_type: "Integral" }]), statisticsOf(baselineRows));
    expect(only(dataTypeCheck(currentOf(column("f", [1, 2.5])), baseline), "f").description).toContain("Expected data type: Integral");
    // no inferred_type in constraints: the statistics' type
    const fromStats = baselineOf(constraints({}, [{ name: "f" }]), statisticsOf(baselineRows));
    expect(only(dataTypeCheck(currentOf(column("f", [1, 2.5])), fromStats), "f")).toMatchObject({ verdict: "pass" });
  });

  describe("threshold", () => {
    const current = currentOf(column("i", [1, 2, 3, 4.5]));

    it("a match fraction equal to datatype_check_threshold passes; just below fires", () => {
      const at = baselineFromRows(constraints({ monitoring_config: { datatype_check_threshold: 0.75 } }), baselineRows);
      expect(only(dataTypeCheck(current, at), "i")).toMatchObject({ verdict: "pass", value: 0.75, threshold: 0.75 });
      const above = baselineFromRows(constraints({ monitoring_config: { datatype_check_threshold: 0.76 } }), baselineRows);
      const e = only(dataTypeCheck(current, above), "i");
      expect(e).toMatchObject({ verdict: "violation", value: 0.75, threshold: 0.76 });
      expect(e.description).toBe(
        "Data type match requirement is not met. Expected data type: Integral, Expected match: 76.0%. Observed: Only 75.0% of data is Integral.",
      );
    });

    it("a per-feature override wins over the global threshold", () => {
      const features = [
        { name: "i", inferred_type: "Integral", monitoringConfigOverrides: { datatype_check_threshold: 0.5 } },
        { name: "f", inferred_type: "Fractional" },
      ];
      const baseline = baselineFromRows(constraints({ monitoring_config: { datatype_check_threshold: 0.9 } }, features), baselineRows);
      const both = currentOf([
        { i: 1, f: 1 },
        { i: 2, f: 2 },
        { i: 3, f: 3 },
        { i: 4.5, f: "x" },
      ]);
      const out = dataTypeCheck(both, baseline);
      expect(only(out, "i")).toMatchObject({ verdict: "pass", threshold: 0.5 });
      expect(only(out, "f")).toMatchObject({ verdict: "violation", threshold: 0.9, value: 0.75 });
    });
  });

  describe("evaluate_constraints", () => {
    const current = currentOf([
      { i: 1.5, f: "x" },
      { i: 2.5, f: "y" },
    ]);

    it("Disabled globally turns the check off", () => {
      const baseline = baselineFromRows(constraints({ monitoring_config: { evaluate_constraints: "Disabled" } }), baselineRows);
      expect(dataTypeCheck(current, baseline)).toEqual([]);
    });

    it("Disabled for one feature (monitoringConfigOverrides, or the SDK's string_constraints.monitoring_config_overrides) turns it off for that feature only", () => {
      for (const feature of [
        { name: "i", inferred_type: "Integral", monitoringConfigOverrides: { evaluate_constraints: "Disabled" } },
        { name: "i", inferred_type: "Integral", string_constraints: { monitoring_config_overrides: { evaluate_constraints: "Disabled" } } },
      ]) {
        const baseline = baselineFromRows(constraints({}, [feature, { name: "f", inferred_type: "Fractional" }]), baselineRows);
        const out = dataTypeCheck(current, baseline);
        expect(out.map((e) => e.feature_name)).toEqual(["f"]);
      }
    });

    it("a feature's Enabled override wins over a global Disabled", () => {
      const features = [
        { name: "i", inferred_type: "Integral", monitoringConfigOverrides: { evaluate_constraints: "Enabled" } },
        { name: "f", inferred_type: "Fractional" },
      ];
      const baseline = baselineFromRows(constraints({ monitoring_config: { evaluate_constraints: "Disabled" } }, features), baselineRows);
      const out = dataTypeCheck(current, baseline);
      expect(out.map((e) => [e.feature_name, e.verdict])).toEqual([["i", "violation"]]);
    });
  });
});
