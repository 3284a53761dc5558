import { describe, expect, it } from "vitest";
import { extraColumnCheck } from "../../src/checks/extraColumnCheck.js";
import { baselineFromRows, currentOf } from "./support.js";

const baselineRows = [
  { a: 1, b: "x" },
  { a: 2, b: "y" },
];

function constraints(monitoring_config?: unknown, features: unknown[] = [{ name: "a" }, { name: "b" }]): Record<string, unknown> {
  return monitoring_config === undefined ? { version: 0, features } : { version: 0, features, monitoring_config };
}

const text = (k: number, b: number): string =>
  `There are extra columns in current dataset. Number of columns in current dataset: ${k}, Number of columns in baseline constraints: ${b}`;

describe("extra_column_check", () => {
  it("one violation per window feature the baseline lacks, in window order, with the column counts", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const current = currentOf([
      { z: 1, a: 1, b: "x" },
      { y: "q", a: 2 },
    ]);
    expect(extraColumnCheck(current, baseline)).toEqual([
      {
        feature_name: "z",
        constraint_check_type: "extra_column_check",
        verdict: "violation",
        metric: "column_count",
        value: 4,
        threshold: 2,
        description: text(4, 2),
      },
      {
        feature_name: "y",
        constraint_check_type: "extra_column_check",
        verdict: "violation",
        metric: "column_count",
        value: 4,
        threshold: 2,
        description: text(4, 2),
      },
    ]);
  });

  it("none when the window's features are a subset of the baseline's", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(extraColumnCheck(currentOf([{ a: 1 }, { b: null }]), baseline)).toEqual([]);
    expect(extraColumnCheck(currentOf([]), baseline)).toEqual([]);
  });

  it("a key that only ever holds null still makes an extra column (it is a feature of the window)", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(extraColumnCheck(currentOf([{ a: 1, b: "x", n: null }]), baseline).map((e) => [e.feature_name, e.description])).toEqual([["n", text(3, 2)]]);
  });

  it("extra and missing at once: counts are the window's and the baseline's feature counts", () => {
    const baseline = baselineFromRows(constraints(undefined, [{ name: "a" }, { name: "b" }, { name: "c" }]), baselineRows);
    expect(extraColumnCheck(currentOf([{ a: 1, x: 2 }]), baseline).map((e) => [e.feature_name, e.description])).toEqual([["x", text(2, 3)]]);
  });

  it("a feature known only from constraints.json is not extra", () => {
    const baseline = baselineFromRows(constraints(undefined, [{ name: "a" }, { name: "b" }, { name: "c" }]), baselineRows);
    expect(extraColumnCheck(currentOf([{ a: 1, b: "x", c: 3 }]), baseline)).toEqual([]);
  });

  it("evaluate_constraints Disabled globally turns it off", () => {
    const baseline = baselineFromRows(constraints({ evaluate_constraints: "Disabled" }), baselineRows);
    expect(extraColumnCheck(currentOf([{ a: 1, z: 2 }]), baseline)).toEqual([]);
  });
});
