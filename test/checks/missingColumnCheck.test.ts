import { describe, expect, it } from "vitest";
import { missingColumnCheck } from "../../src/checks/missingColumnCheck.js";
import { baselineFromRows, currentOf } from "./support.js";

const baselineRows = [
  { a: 1, b: 2.5, c: "x" },
  { a: 2, b: 3.5, c: "y" },
];

function constraints(features: unknown[] = [{ name: "a" }, { name: "b" }, { name: "c" }], monitoring_config?: unknown): Record<string, unknown> {
  return monitoring_config === undefined ? { version: 0, features } : { version: 0, features, monitoring_config };
}

const text = (k: number, b: number): string =>
  `There are missing columns in current dataset. Number of columns in current dataset: ${k}, Number of columns in baseline constraints: ${b}`;

describe("missing_column_check", () => {
  it("one violation per baseline feature absent from the window, in baseline order, with the column counts", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(missingColumnCheck(currentOf([{ b: 1.5 }]), baseline)).toEqual([
      {
        feature_name: "a",
        constraint_check_type: "missing_column_check",
        verdict: "violation",
        metric: "column_count",
        value: 1,
        threshold: 3,
        description: text(1, 3),
      },
      {
        feature_name: "c",
        constraint_check_type: "missing_column_check",
        verdict: "violation",
        metric: "column_count",
        value: 1,
        threshold: 3,
        description: text(1, 3),
      },
    ]);
  });

  it("JSON-style windows: a feature seen in any row is present (even if always null); the union of keys is the window's feature set", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const current = currentOf([{ a: 1 }, { b: null }, { c: "x" }]);
    expect(missingColumnCheck(current, baseline)).toEqual([]);
  });

  it("counts every window feature, extra ones included, in 'current dataset'", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const out = missingColumnCheck(currentOf([{ a: 1, x: 1, y: 2, z: 3 }]), baseline);
    expect(out.map((e) => [e.feature_name, e.description])).toEqual([
      ["b", text(4, 3)],
      ["c", text(4, 3)],
    ]);
  });

  it("counts constraints-only features in the baseline", () => {
    const baseline = baselineFromRows(constraints([{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }]), baselineRows);
    const out = missingColumnCheck(currentOf([{ a: 1, b: 1, c: "x" }]), baseline);
    expect(out.map((e) => [e.feature_name, e.value, e.threshold])).toEqual([["d", 3, 4]]);
  });

  it("an empty window misses every column", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(missingColumnCheck(currentOf([]), baseline).map((e) => [e.feature_name, e.description])).toEqual([
      ["a", text(0, 3)],
      ["b", text(0, 3)],
      ["c", text(0, 3)],
    ]);
  });

  it("evaluate_constraints Disabled globally turns it off", () => {
    const baseline = baselineFromRows(constraints(undefined, { evaluate_constraints: "Disabled" }), baselineRows);
    expect(missingColumnCheck(currentOf([{ x: 1 }]), baseline)).toEqual([]);
  });

  it("evaluate_constraints Disabled for one feature turns it off for that feature; a feature's Enabled wins over a global Disabled", () => {
    const perFeature = baselineFromRows(
      constraints([{ name: "a", monitoringConfigOverrides: { evaluate_constraints: "Disabled" } }, { name: "b" }, { name: "c" }]),
      baselineRows,
    );
    expect(missingColumnCheck(currentOf([{ x: 1 }]), perFeature).map((e) => e.feature_name)).toEqual(["b", "c"]);
    const reenabled = baselineFromRows(
      constraints([{ name: "a" }, { name: "b", monitoringConfigOverrides: { evaluate_constraints: "Enabled" } }, { name: "c" }], {
        evaluate_constraints: "Disabled",
      }),
      baselineRows,
    );
    expect(missingColumnCheck(currentOf([{ x: 1 }]), reenabled).map((e) => [e.feature_name, e.description])).toEqual([["b", text(1, 3)]]);
  });
});
