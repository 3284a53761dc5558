import { describe, expect, it } from "vitest";
import { categoricalValuesCheck } from "../../src/checks/categoricalValuesCheck.js";
import { DEFAULT_SKETCH_OPTIONS } from "../../src/profiles/FeatureProfile.js";
import { baselineFromRows, column, currentOf, only, times } from "./support.js";

const baselineRows = [
  { color: "red", size: 1, note: "x" },
  { color: "green", size: 2, note: "y" },
];

function constraints(features?: unknown[], monitoring_config?: unknown): Record<string, unknown> {
  const f = features ?? [
    { name: "color", inferred_type: "String", string_constraints: { domains: ["red", "green"] } },
    { name: "size", inferred_type: "Integral", string_constraints: { domains: [1, 2] } },
    { name: "note", inferred_type: "String" },
  ];
  return monitoring_config === undefined ? { version: 0, features: f } : { version: 0, features: f, monitoring_config };
}

/** SageMaker's only known text for this check (Deequ's message, the in-domain share); the threshold is not in it. */
const text = (_threshold: string, observed: string): string => `Value: ${observed} does not meet the constraint requirement! `;
/** AWS's visualization helper (amazon-sagemaker-examples sagemaker_model_monitor/visualization/utils.py). */
const AWS_CATEGORICAL_REGEX = /Value: (.+) does not meet the constraint requirement!/;

describe("categorical_values_check", () => {
  it("fires when a share of the non-missing values falls outside the domain", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const current = currentOf(column("color", ["red", "red", "blue", "green", null, ""]));
    expect(categoricalValuesCheck(current, baseline)).toEqual([
      {
        feature_name: "color",
        constraint_check_type: "categorical_values_check",
        metric: "in_domain_fraction",
        threshold: 1,
        verdict: "violation",
        value: 0.75,
        description: text("100.0", "0.75"),
      },
    ]);
  });

  it("writes a text AWS's visualization helper parses back to the in-domain share", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const [e] = categoricalValuesCheck(currentOf(column("color", ["red", "blue", "blue"])), baseline);
    expect(AWS_CATEGORICAL_REGEX.exec(e?.description ?? "")?.[1]).toBe("0.3333333333333333");
    expect(Number(AWS_CATEGORICAL_REGEX.exec(e?.description ?? "")?.[1])).toBe(e?.value);
  });

  it("passes when every value is in the domain", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(categoricalValuesCheck(currentOf(column("color", ["red", "green", "red"])), baseline)).toEqual([
      { feature_name: "color", constraint_check_type: "categorical_values_check", metric: "in_domain_fraction", threshold: 1, verdict: "pass", value: 1 },
    ]);
  });

  it("compares values by their text: numeric domains match JSON numbers; values are case-sensitive", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const out = categoricalValuesCheck(
      currentOf([
        { color: "Red", size: 1 },
        { color: "red", size: 2 },
        { color: "red", size: 3 },
        { color: "red", size: "2" },
      ]),
      baseline,
    );
    expect(only(out, "size")).toMatchObject({ verdict: "violation", value: 0.75 });
    expect(only(out, "color")).toMatchObject({ verdict: "violation", value: 0.75 });
  });

  it("evaluates only features with domains that appear in the window", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(categoricalValuesCheck(currentOf([{ note: "zzz" }]), baseline)).toEqual([]);
  });

  it("skips a feature whose window values are all missing", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    expect(only(categoricalValuesCheck(currentOf(column("color", [null, " "])), baseline), "color")).toMatchObject({
      verdict: "skipped",
      value: null,
      threshold: 1,
      note: "no non-missing values in the window",
    });
  });

  it("a share equal to domain_content_threshold passes; just below fires", () => {
    const current = currentOf(column("color", ["red", "red", "blue", "green"]));
    const at = baselineFromRows(constraints(undefined, { domain_content_threshold: 0.75 }), baselineRows);
    expect(only(categoricalValuesCheck(current, at), "color")).toMatchObject({ verdict: "pass", value: 0.75, threshold: 0.75 });
    const above = baselineFromRows(constraints(undefined, { domain_content_threshold: 0.8 }), baselineRows);
    expect(only(categoricalValuesCheck(current, above), "color")).toMatchObject({
      verdict: "violation",
      threshold: 0.8,
      description: text("80.0", "0.75"),
    });
  });

  it("a per-feature domain_content_threshold (or the 2019 min_domain_mass) wins over the global one", () => {
    const current = currentOf(column("color", ["red", "blue"]));
    for (const overrides of [{ domain_content_threshold: 0.5 }, { distribution_constraints: { min_domain_mass: 0.5 } }]) {
      const features = [{ name: "color", string_constraints: { domains: ["red", "green"] }, monitoringConfigOverrides: overrides }];
      const baseline = baselineFromRows(constraints(features, { domain_content_threshold: 0.9 }), baselineRows);
      expect(only(categoricalValuesCheck(current, baseline), "color")).toMatchObject({ verdict: "pass", value: 0.5, threshold: 0.5 });
    }
  });

  it("evaluate_constraints Disabled, globally or for the feature, turns it off", () => {
    const current = currentOf([{ color: "blue", size: 9 }]);
    const global = baselineFromRows(constraints(undefined, { evaluate_constraints: "Disabled" }), baselineRows);
    expect(categoricalValuesCheck(current, global)).toEqual([]);
    const features = [
      { name: "color", string_constraints: { domains: ["red"] }, monitoringConfigOverrides: { evaluate_constraints: "Disabled" } },
      { name: "size", string_constraints: { domains: [1] } },
    ];
    const perFeature = baselineFromRows(constraints(features), baselineRows);
    expect(categoricalValuesCheck(current, perFeature).map((e) => e.feature_name)).toEqual(["size"]);
  });

  it("beyond category_cap distinct values the share is a lower bound and the evaluation says so", () => {
    const baseline = baselineFromRows(constraints(), baselineRows);
    const options = { ...DEFAULT_SKETCH_OPTIONS, category_cap: 4 };
    const values = [...times("red", 50), ...times("green", 40), ...Array.from({ length: 10 }, (_, i) => `other${i}`)];
    const e = only(categoricalValuesCheck(currentOf(column("color", values), options), baseline), "color");
    expect(e.note).toBe("approximate: more distinct values than category_cap; the share is a lower bound");
    expect(e.verdict).toBe("violation");
    // the exact share is 0.9; Misra–Gries counts only under-estimate
    expect(e.value as number).toBeLessThanOrEqual(0.9);
    expect(e.value as number).toBeGreaterThanOrEqual(0.9 - 2 * (100 / 5 / 100));
    // exact counts: no note
    const exact = only(categoricalValuesCheck(currentOf(column("color", values)), baseline), "color");
    expect(exact).toMatchObject({ value: 0.9 });
    expect(exact.note).toBeUndefined();
  });
});
