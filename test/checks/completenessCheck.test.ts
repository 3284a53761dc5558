import { describe, expect, it } from "vitest";
import { completenessCheck } from "../../src/checks/completenessCheck.js";
import { baselineFromRows, column, currentOf, only } from "./support.js";

const baselineRows = [
  { a: 1, b: "x" },
  { a: 2, b: "y" },
];

function constraints(features: unknown[], monitoring_config?: unknown): Record<string, unknown> {
  return monitoring_config === undefined ? { version: 0, features } : { version: 0, features, monitoring_config };
}

describe("completeness_check", () => {
  it("fires when half the rows lack the feature, with the description's percentages printed like Java", () => {
    const baseline = baselineFromRows(constraints([{ name: "a", inferred_type: "Integral", completeness: 1 }]), baselineRows);
    const current = currentOf(column("a", [1, null, 3, ""]));
    expect(completenessCheck(current, baseline)).toEqual([
      {
        feature_name: "a",
        constraint_check_type: "completeness_check",
        metric: "completeness",
        value: 0.5,
        threshold: 1,
        verdict: "violation",
        description: "Data completeness requirement is not met. Expected: 100.0%. Observed: Only 50.0%.",
      },
    ]);
  });

  it("counts rows where the key is absent (JSON payloads) as missing: item_count is the denominator", () => {
    const baseline = baselineFromRows(constraints([{ name: "a", completeness: 0.9 }]), baselineRows);
    const current = currentOf([{ a: 1 }, { b: "x" }, { b: "y" }]);
    const e = only(completenessCheck(current, baseline), "a");
    expect(e.value).toBe(1 / 3);
    expect(e.description).toBe("Data completeness requirement is not met. Expected: 90.0%. Observed: Only 33.33333333333333%.");
  });

  it("passes when complete", () => {
    const baseline = baselineFromRows(constraints([{ name: "a", completeness: 1 }]), baselineRows);
    expect(completenessCheck(currentOf(column("a", [1, 2])), baseline)).toEqual([
      { feature_name: "a", constraint_check_type: "completeness_check", metric: "completeness", value: 1, threshold: 1, verdict: "pass" },
    ]);
  });

  it("observed completeness equal to the constraint passes; below it fires", () => {
    const current = currentOf(column("a", [1, null, 3, null]));
    const at = baselineFromRows(constraints([{ name: "a", completeness: 0.5 }]), baselineRows);
    expect(only(completenessCheck(current, at), "a")).toMatchObject({ verdict: "pass", value: 0.5, threshold: 0.5 });
    const above = baselineFromRows(constraints([{ name: "a", completeness: 0.51 }]), baselineRows);
    const e = only(completenessCheck(current, above), "a");
    expect(e).toMatchObject({ verdict: "violation", value: 0.5, threshold: 0.51 });
    expect(e.description).toBe("Data completeness requirement is not met. Expected: 51.0%. Observed: Only 50.0%.");
  });

  it("evaluates only features with a completeness constraint that appear in the window", () => {
    const baseline = baselineFromRows(constraints([{ name: "a" }, { name: "b", completeness: 1 }, { name: "c", completeness: 1 }]), baselineRows);
    const out = completenessCheck(currentOf([{ a: null, b: null }]), baseline);
    expect(out.map((e) => [e.feature_name, e.verdict, e.value])).toEqual([["b", "violation", 0]]);
  });

  it("does nothing for an empty window", () => {
    const baseline = baselineFromRows(constraints([{ name: "a", completeness: 1 }]), baselineRows);
    expect(completenessCheck(currentOf([]), baseline)).toEqual([]);
  });

  it("evaluate_constraints Disabled, globally or for the feature, turns it off; a feature's Enabled wins over a global Disabled", () => {
    const current = currentOf([{ a: null, b: null }]);
    const off = baselineFromRows(
      constraints(
        [
          { name: "a", completeness: 1 },
          { name: "b", completeness: 1 },
        ],
        { evaluate_constraints: "Disabled" },
      ),
      baselineRows,
    );
    expect(completenessCheck(current, off)).toEqual([]);
    const perFeature = baselineFromRows(
      constraints([
        { name: "a", completeness: 1, monitoringConfigOverrides: { evaluate_constraints: "Disabled" } },
        { name: "b", completeness: 1 },
      ]),
      baselineRows,
    );
    expect(completenessCheck(current, perFeature).map((e) => e.feature_name)).toEqual(["b"]);
    const reenabled = baselineFromRows(
      constraints(
        [
          { name: "a", completeness: 1, monitoringConfigOverrides: { evaluate_constraints: "Enabled" } },
          { name: "b", completeness: 1 },
        ],
        { evaluate_constraints: "Disabled" },
      ),
      baselineRows,
    );
    expect(completenessCheck(current, reenabled).map((e) => e.feature_name)).toEqual(["a"]);
  });
});
