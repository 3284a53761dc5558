import { describe, expect, it } from "vitest";
import { baselineDriftCheck } from "../../src/checks/baselineDriftCheck.js";
import type { CheckEvaluation } from "../../src/checks/Check.js";
import { baselineFromRows, baselineOf, column, currentOf, only, range, statisticsOf, times } from "./support.js";

/** AWS's own tooling reads the distance and threshold back with this regex ([SAFE], [DRIFT], [EX-viz]). */
const AWS_DRIFT_REGEX = /distance: (.+) exceeds threshold: (.+)/;

function constraints(features: unknown[], monitoring_config?: unknown): Record<string, unknown> {
  return monitoring_config === undefined ? { version: 0, features } : { version: 0, features, monitoring_config };
}

const simple = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ distribution_constraints: { comparison_method: "Simple", ...extra } });

/** 1.8·√((n+m)/(n·m)), written out here rather than taken from src. */
const correction = (n: number, m: number): number => 1.8 * Math.sqrt((n + m) / (n * m));

describe("baseline_drift_check, numeric features", () => {
  // baseline 1..100, window 51..150: the CDFs differ by exactly 0.5 on [51, 100]
  const baselineRows = column("x", range(1, 100));
  const shifted = currentOf(column("x", range(51, 150)));
  const same = currentOf(column("x", range(1, 100)));

  it("Simple: L∞ between the CDFs, fires when above comparison_threshold, with the text AWS tooling parses", () => {
    const baseline = baselineFromRows(constraints([{ name: "x", inferred_type: "Integral" }], simple()), baselineRows);
    const e = only(baselineDriftCheck(shifted, baseline), "x");
    expect(e).toEqual({
      feature_name: "x",
      constraint_check_type: "baseline_drift_check",
      verdict: "violation",
      metric: "linf_simple",
      value: 0.5,
      threshold: 0.1,
      description: "Baseline drift distance: 0.5 exceeds threshold: 0.1",
    });
    const m = AWS_DRIFT_REGEX.exec(e.description as string);
    expect([Number(m?.[1]), Number(m?.[2])]).toEqual([0.5, 0.1]);
  });

  it("Simple: identical data gives distance 0 and passes", () => {
    const baseline = baselineFromRows(constraints([{ name: "x" }], simple()), baselineRows);
    expect(only(baselineDriftCheck(same, baseline), "x")).toEqual({
      feature_name: "x",
      constraint_check_type: "baseline_drift_check",
      verdict: "pass",
      metric: "linf_simple",
      value: 0,
      threshold: 0.1,
    });
  });

  it("Robust (the default) subtracts 1.8·√((n+m)/(n·m))", () => {
    const baseline = baselineFromRows(constraints([{ name: "x" }]), baselineRows);
    const e = only(baselineDriftCheck(shifted, baseline), "x");
    const expected = 0.5 - correction(100, 100);
    expect(e.metric).toBe("linf_robust");
    expect(e.verdict).toBe("violation");
    expect(e.value).toBeCloseTo(expected, 12);
    const m = AWS_DRIFT_REGEX.exec(e.description as string);
    expect(Number(m?.[1])).toBe(e.value);
    expect(m?.[2]).toBe("0.1");
  });

  it("Robust floors at 0: a distance below the correction passes with value 0", () => {
    // baseline 1..100 vs window 11..110: L∞ 0.1, correction ≈ 0.2546
    const baseline = baselineFromRows(constraints([{ name: "x" }]), baselineRows);
    const e = only(baselineDriftCheck(currentOf(column("x", range(11, 110))), baseline), "x");
    expect(e).toMatchObject({ verdict: "pass", metric: "linf_robust", value: 0 });
    const asSimple = baselineFromRows(constraints([{ name: "x" }], simple()), baselineRows);
    expect(only(baselineDriftCheck(currentOf(column("x", range(11, 110))), asSimple), "x").value).toBeCloseTo(0.1, 12);
  });

  it("fires only when the distance is above the threshold: equal passes", () => {
    const at = baselineFromRows(constraints([{ name: "x" }], simple({ comparison_threshold: 0.5 })), baselineRows);
    expect(only(baselineDriftCheck(shifted, at), "x")).toMatchObject({ verdict: "pass", value: 0.5, threshold: 0.5 });
    const below = baselineFromRows(constraints([{ name: "x" }], simple({ comparison_threshold: 0.49 })), baselineRows);
    expect(only(baselineDriftCheck(shifted, below), "x")).toMatchObject({
      verdict: "violation",
      threshold: 0.49,
      description: "Baseline drift distance: 0.5 exceeds threshold: 0.49",
    });
  });

  it("numeric features use comparison_threshold, not categorical_comparison_threshold", () => {
    const baseline = baselineFromRows(
      constraints([{ name: "x" }], simple({ comparison_threshold: 0.6, categorical_comparison_threshold: 0.01 })),
      baselineRows,
    );
    expect(only(baselineDriftCheck(shifted, baseline), "x")).toMatchObject({ verdict: "pass", threshold: 0.6 });
  });

  it("a per-feature comparison_threshold / comparison_method override wins over the global config", () => {
    const features = [
      { name: "x", monitoringConfigOverrides: { distribution_constraints: { comparison_threshold: 0.6 } } },
      { name: "y", monitoringConfigOverrides: { distribution_constraints: { comparison_method: "Robust" } } },
    ];
    const rows = range(1, 100).map((v) => ({ x: v, y: v }));
    const baseline = baselineFromRows(constraints(features, simple()), rows);
    const out = baselineDriftCheck(currentOf(range(51, 150).map((v) => ({ x: v, y: v }))), baseline);
    expect(only(out, "x")).toMatchObject({ verdict: "pass", metric: "linf_simple", value: 0.5, threshold: 0.6 });
    expect(only(out, "y").metric).toBe("linf_robust");
    expect(only(out, "y").value).toBeCloseTo(0.5 - correction(100, 100), 12);
  });

  it("perform_comparison Disabled skips it (verdict skipped), globally or per feature", () => {
    const skipped: CheckEvaluation = {
      feature_name: "x",
      constraint_check_type: "baseline_drift_check",
      verdict: "skipped",
      metric: "linf_robust",
      value: null,
      threshold: 0.1,
      note: "perform_comparison is Disabled",
    };
    const global = baselineFromRows(constraints([{ name: "x" }], { distribution_constraints: { perform_comparison: "Disabled" } }), baselineRows);
    expect(baselineDriftCheck(shifted, global)).toEqual([skipped]);
    const perFeature = baselineFromRows(
      constraints([{ name: "x", monitoringConfigOverrides: { distribution_constraints: { perform_comparison: "Disabled" } } }]),
      baselineRows,
    );
    expect(baselineDriftCheck(shifted, perFeature)).toEqual([skipped]);
    // the 2019 spelling
    const legacy = baselineFromRows(constraints([{ name: "x" }], { distribution_constraints: { enable_comparisons: false } }), baselineRows);
    expect(only(baselineDriftCheck(shifted, legacy), "x").verdict).toBe("skipped");
  });

  it("evaluate_constraints Disabled, globally or per feature, turns it off", () => {
    const global = baselineFromRows(constraints([{ name: "x" }], { evaluate_constraints: "Disabled" }), baselineRows);
    expect(baselineDriftCheck(shifted, global)).toEqual([]);
    const perFeature = baselineFromRows(constraints([{ name: "x", monitoringConfigOverrides: { evaluate_constraints: "Disabled" } }]), baselineRows);
    expect(baselineDriftCheck(shifted, perFeature)).toEqual([]);
  });

  it("skips a feature whose baseline statistics carry no kll sketch", () => {
    const statistics = {
      version: 0,
      dataset: { item_count: 3 },
      features: [
        {
          name: "x",
          inferred_type: "Fractional",
          numerical_statistics: { common: { num_present: 3, num_missing: 0 }, mean: 2, sum: 6, std_dev: 1, min: 1, max: 3 },
        },
      ],
    };
    const baseline = baselineOf(constraints([{ name: "x", inferred_type: "Fractional" }]), statistics);
    expect(baselineDriftCheck(shifted, baseline)).toEqual([
      {
        feature_name: "x",
        constraint_check_type: "baseline_drift_check",
        verdict: "skipped",
        metric: "linf_robust",
        value: null,
        threshold: 0.1,
        note: "the baseline has no kll sketch",
      },
    ]);
  });

  it("skips a constraints-only feature (no statistics at all)", () => {
    const baseline = baselineFromRows(constraints([{ name: "x" }, { name: "z", inferred_type: "Integral" }]), baselineRows);
    const out = baselineDriftCheck(currentOf(range(1, 100).map((v) => ({ x: v, z: v }))), baseline);
    expect(only(out, "z")).toMatchObject({ verdict: "skipped", value: null, note: "the baseline has no kll sketch" });
  });

  it("skips when the window has no numeric values for the feature", () => {
    const baseline = baselineFromRows(constraints([{ name: "x" }]), baselineRows);
    expect(only(baselineDriftCheck(currentOf(column("x", ["a", null])), baseline), "x")).toMatchObject({
      verdict: "skipped",
      value: null,
      note: "no numeric values in the window",
    });
  });

  it("does not evaluate an Unknown baseline feature, nor one absent from the window", () => {
    const statistics = statisticsOf([{ u: null, x: 1 }]);
    const baseline = baselineOf(constraints([{ name: "u", inferred_type: "Unknown" }, { name: "x" }]), statistics);
    expect(baselineDriftCheck(currentOf([{ u: 1 }]), baseline)).toEqual([]);
  });

  it("uses the L∞ distance for numeric features even when categorical_drift_method is ChiSquared", () => {
    const baseline = baselineFromRows(constraints([{ name: "x" }], simple({ categorical_drift_method: "ChiSquared" })), baselineRows);
    expect(only(baselineDriftCheck(shifted, baseline), "x")).toMatchObject({ metric: "linf_simple", value: 0.5 });
  });
});

describe("baseline_drift_check, String features", () => {
  const abRows = (a: number, b: number): Array<Record<string, string>> => [...times({ c: "a" }, a), ...times({ c: "b" }, b)];
  const baselineRows = abRows(500, 500);

  it("LInfinity Simple: the largest frequency difference, against categorical_comparison_threshold", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }], simple({ comparison_threshold: 0.9 })), baselineRows);
    const e = only(baselineDriftCheck(currentOf(abRows(300, 700)), baseline), "c");
    expect(e.metric).toBe("linf_simple");
    expect(e.verdict).toBe("violation");
    expect(e.value).toBeCloseTo(0.2, 12);
    expect(e.threshold).toBe(0.1);
    expect(e.description).toBe(`Baseline drift distance: ${String(e.value)} exceeds threshold: 0.1`);
  });

  it("LInfinity Robust subtracts 1.8·√((n+m)/(n·m)) with n, m the category totals", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }]), baselineRows);
    const e = only(baselineDriftCheck(currentOf(abRows(300, 700)), baseline), "c");
    expect(e.metric).toBe("linf_robust");
    expect(e.value).toBeCloseTo(0.2 - correction(1000, 1000), 12);
    expect(e.verdict).toBe("violation");
    // a small window: the correction swallows the distance
    const small = only(baselineDriftCheck(currentOf(abRows(3, 7)), baseline), "c");
    expect(small).toMatchObject({ verdict: "pass", value: 0 });
  });

  it("LInfinity over the union of categories: a window-only category counts", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }], simple()), baselineRows);
    const current = currentOf([...abRows(300, 300), ...times({ c: "new" }, 400)]);
    expect(only(baselineDriftCheck(current, baseline), "c").value).toBeCloseTo(0.4, 12);
  });

  it("LInfinity: distance equal to the threshold passes", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }], simple({ categorical_comparison_threshold: 0.25 })), abRows(2, 2));
    // baseline a 0.5, b 0.5; window a 0.25, b 0.75 (exact binary fractions)
    expect(only(baselineDriftCheck(currentOf(abRows(1, 3)), baseline), "c")).toMatchObject({ verdict: "pass", value: 0.25, threshold: 0.25 });
  });

  it("ChiSquared fires when the p-value is below categorical_comparison_threshold", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }], { distribution_constraints: { categorical_drift_method: "ChiSquared" } }), baselineRows);
    // observed [30, 70] vs expected [50, 50]: χ² = 16, df 1, p = erfc(√8) ≈ 6.334e-5
    const e = only(baselineDriftCheck(currentOf(abRows(30, 70)), baseline), "c");
    expect(e.metric).toBe("chi_squared_p_value");
    expect(e.verdict).toBe("violation");
    expect(e.value).toBeCloseTo(6.334248366623977e-5, 9);
    expect(e.description).toBe(`Baseline drift ChiSquared p-value: ${(e.value as number).toExponential().replace("e", "E")} is below threshold: 0.1`);
    // observed [48, 52]: χ² = 0.16, p ≈ 0.689
    const close = only(baselineDriftCheck(currentOf(abRows(48, 52)), baseline), "c");
    expect(close.verdict).toBe("pass");
    expect(close.value).toBeCloseTo(0.6891565167793516, 6);
  });

  it("ChiSquared: a p-value equal to the threshold passes", () => {
    const probe = baselineFromRows(constraints([{ name: "c" }], { distribution_constraints: { categorical_drift_method: "ChiSquared" } }), baselineRows);
    const current = currentOf(abRows(40, 60));
    const p = only(baselineDriftCheck(current, probe), "c").value as number;
    const at = baselineFromRows(
      constraints([{ name: "c" }], { distribution_constraints: { categorical_drift_method: "ChiSquared", categorical_comparison_threshold: p } }),
      baselineRows,
    );
    expect(only(baselineDriftCheck(current, at), "c")).toMatchObject({ verdict: "pass", value: p, threshold: p });
    const above = baselineFromRows(
      constraints([{ name: "c" }], { distribution_constraints: { categorical_drift_method: "ChiSquared", categorical_comparison_threshold: p * (1 + 1e-12) } }),
      baselineRows,
    );
    expect(only(baselineDriftCheck(current, above), "c").verdict).toBe("violation");
  });

  it("ChiSquared: fewer than 2 cells after merging sparse categories → skipped", () => {
    const baseline = baselineFromRows(constraints([{ name: "c" }], { distribution_constraints: { categorical_drift_method: "ChiSquared" } }), abRows(95, 5));
    // 2 categories, expected [95, 5]: 5 < 10 (Cochran) → merged into one cell
    expect(baselineDriftCheck(currentOf(abRows(90, 10)), baseline)).toEqual([
      {
        feature_name: "c",
        constraint_check_type: "baseline_drift_check",
        verdict: "skipped",
        metric: "chi_squared_p_value",
        value: null,
        threshold: 0.1,
        note: "fewer than 2 categories after merging sparse ones",
      },
    ]);
  });

  it("a per-feature categorical_drift_method override wins", () => {
    const features = [{ name: "c", monitoringConfigOverrides: { distribution_constraints: { categorical_drift_method: "ChiSquared" } } }];
    const baseline = baselineFromRows(constraints(features), baselineRows);
    expect(only(baselineDriftCheck(currentOf(abRows(30, 70)), baseline), "c").metric).toBe("chi_squared_p_value");
  });

  it("perform_comparison Disabled skips; a baseline without categorical buckets skips; an all-missing window skips", () => {
    const off = baselineFromRows(constraints([{ name: "c" }], { distribution_constraints: { perform_comparison: "Disabled" } }), baselineRows);
    expect(only(baselineDriftCheck(currentOf(abRows(30, 70)), off), "c")).toMatchObject({
      verdict: "skipped",
      metric: "linf_robust",
      value: null,
      threshold: 0.1,
      note: "perform_comparison is Disabled",
    });
    const statistics = {
      version: 0,
      dataset: { item_count: 2 },
      features: [{ name: "c", inferred_type: "String", string_statistics: { common: { num_present: 2, num_missing: 0 }, distinct_count: 2 } }],
    };
    const noBuckets = baselineOf(constraints([{ name: "c" }]), statistics);
    expect(only(baselineDriftCheck(currentOf(abRows(30, 70)), noBuckets), "c")).toMatchObject({
      verdict: "skipped",
      value: null,
      note: "the baseline has no categorical buckets",
    });
    const baseline = baselineFromRows(constraints([{ name: "c" }]), baselineRows);
    expect(only(baselineDriftCheck(currentOf(column("c", [null, ""])), baseline), "c")).toMatchObject({
      verdict: "skipped",
      value: null,
      note: "no values in the window",
    });
  });
});

describe("baseline_drift_check, String features: only over distributions that account for every value (issue 10, point 1)", () => {
  // A zip-code column: mostly numbers, some "Unknown". An older dqstream baseline listed only the
  // non-numeric bucket (the numbers were counted, not listed): 10 of 100 values.
  const partialBaseline = {
    version: 0,
    dataset: { item_count: 100 },
    features: [
      {
        name: "zipcode",
        inferred_type: "String",
        string_statistics: {
          common: { num_present: 100, num_missing: 0 },
          distinct_count: 91,
          distribution: { categorical: { buckets: [{ value: "Unknown", count: 10 }] } },
        },
      },
    ],
  };
  const zipConstraints = constraints([{ name: "zipcode", inferred_type: "String" }]);
  const cleanWindow = currentOf(column("zipcode", [...range(98001, 98090).map(String), ...times("Unknown", 10)]));

  it("skips a baseline whose buckets cover part of its values, instead of reporting false drift", () => {
    const e = only(baselineDriftCheck(cleanWindow, baselineOf(zipConstraints, partialBaseline)), "zipcode");
    expect(e).toMatchObject({ verdict: "skipped", value: null, note: "the baseline's categorical buckets account for 10 of its 100 values" });
  });

  it("computes the distance when the buckets account for every value", () => {
    const whole = structuredClone(partialBaseline);
    whole.features[0]!.string_statistics.distribution.categorical.buckets = [
      { value: "Unknown", count: 10 },
      { value: "98001", count: 90 },
    ];
    const e = only(baselineDriftCheck(cleanWindow, baselineOf(zipConstraints, whole)), "zipcode");
    expect(e.verdict).toBe("violation");
    expect(e.value).toBeGreaterThan(0.5);
  });

  it("skips a window whose numeric values were only counted (more than category_cap distinct numbers)", () => {
    const baseline = baselineFromRows(zipConstraints, column("zipcode", [...times("1", 50), ...times("Unknown", 50)]));
    const window = currentOf(column("zipcode", [...range(1, 30).map(String), ...times("Unknown", 30)]), { category_cap: 10, kll_k: 2048, kll_c: 0.64 });
    const e = only(baselineDriftCheck(window, baseline), "zipcode");
    expect(e).toMatchObject({
      verdict: "skipped",
      note: "30 of the window's 60 values are numbers with more than category_cap distinct values, counted but not listed",
    });
  });
});
