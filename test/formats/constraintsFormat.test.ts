import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOverrides, DEFAULT_MONITORING_CONFIG, parseConstraints, readConstraintsFile, toConstraintsJson } from "../../src/formats/constraintsFormat.js";
import { floorDecimals, suggestConstraints, suggestedCompleteness } from "../../src/baseline/suggestConstraints.js";
import { parseStatistics } from "../../src/formats/statisticsFormat.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";

const fixture = (name: string): string => join(import.meta.dirname, "../fixtures/sagemaker", name);

describe("reading constraints.json", () => {
  it("normalises the 2019 SDK layout (enable_comparisons, min_domain_mass, string_constraints.monitoring_config_overrides)", async () => {
    const c = await readConstraintsFile(fixture("constraints-legacy-2019.json"));
    expect(c.monitoring_config.distribution_constraints.perform_comparison).toBe("Enabled");
    expect(c.monitoring_config.distribution_constraints.comparison_threshold).toBe(1);
    expect(c.monitoring_config.domain_content_threshold).toBe(1);
    // unspecified keys take the container defaults
    expect(c.monitoring_config.datatype_check_threshold).toBe(1);
    expect(c.monitoring_config.distribution_constraints.comparison_method).toBe("Robust");
    expect(c.features[0]?.monitoringConfigOverrides).toEqual({ evaluate_constraints: "Disabled", emit_metrics: "Enabled" });
    expect(c.features[1]?.string_constraints?.domains).toEqual(["x", "y"]);
    expect(c.features[1]?.monitoringConfigOverrides).toBeUndefined();
  });

  it("reads the docs' misspelled comparion_method and linf_* method names", async () => {
    const c = await readConstraintsFile(fixture("constraints-docs-current.json"));
    const d = c.monitoring_config.distribution_constraints;
    expect(d.comparison_method).toBe("Simple");
    expect(d.categorical_drift_method).toBe("ChiSquared");
    expect(d.categorical_comparison_threshold).toBe(0.15);
    expect(c.monitoring_config.emit_metrics).toBe("Disabled");
    const account = c.features[0]!;
    const effective = applyOverrides(c.monitoring_config, account.monitoringConfigOverrides);
    expect(effective.datatype_check_threshold).toBe(0.5);
    expect(effective.distribution_constraints.comparison_threshold).toBe(0.3);
    // not overridden: inherited from the global config
    expect(effective.distribution_constraints.comparison_method).toBe("Simple");
    expect(effective.domain_content_threshold).toBe(0.1);
  });

  it("applies defaults when monitoring_config is absent, and round-trips what it writes", () => {
    const c = parseConstraints("c.json", { features: [{ name: "a" }] });
    expect(c.monitoring_config).toEqual(DEFAULT_MONITORING_CONFIG);
    const again = parseConstraints("again.json", JSON.parse(JSON.stringify(toConstraintsJson(c))));
    expect(again).toEqual(c);
  });

  it("names the file, path and expectation on invalid input", () => {
    expect(() => parseConstraints("c.json", { features: [{ name: "a", completeness: "high" }] })).toThrow(/^c\.json: \$\.features\[0\]\.completeness: /);
    expect(() => parseConstraints("c.json", { features: [], monitoring_config: { evaluate_constraints: "Yes" } })).toThrow(
      /\$\.monitoring_config\.evaluate_constraints/,
    );
    expect(() => parseConstraints("c.json", { features: [], monitoring_config: { distribution_constraints: { comparison_method: "KS" } } })).toThrow(
      /comparison_method/,
    );
    expect(() => parseConstraints("c.json", {})).toThrow(/\$\.features: /);
    expect(() => parseConstraints("c.json", { features: [{ name: "a" }, { name: "a" }] })).toThrow(/\$\.features\[1\]\.name: duplicate/);
  });
});

describe("suggesting constraints", () => {
  it("completeness: 1.0 when complete, Deequ's lower bound for 0.2 < p < 1, p itself below, rounded down to 2 decimals", () => {
    expect(suggestedCompleteness(100, 100)).toBe(1);
    // p = 0.9, n = 100: 0.9 − 1.96·√(0.09/100) = 0.9 − 0.0588 = 0.8412 → 0.84
    expect(suggestedCompleteness(90, 100)).toBe(0.84);
    // p = 0.15 → 0.15
    expect(suggestedCompleteness(15, 100)).toBe(0.15);
    // p = 0.2 exactly is in the lower branch
    expect(suggestedCompleteness(20, 100)).toBe(0.2);
    expect(suggestedCompleteness(0, 10)).toBe(0);
  });

  it("rounds down on the shortest decimal, as Scala's BigDecimal(x).setScale(2, DOWN)", () => {
    expect(floorDecimals(0.29, 2)).toBe(0.29);
    expect(floorDecimals(0.999, 2)).toBe(0.99);
    expect(floorDecimals(0.5, 2)).toBe(0.5);
    expect(floorDecimals(1e-7, 2)).toBe(0);
  });

  it("is_non_negative from min, domains for low-cardinality strings, container defaults", () => {
    const p = new DatasetProfile();
    const cols = p.columns(["neg", "pos", "plan", "id"]);
    for (let i = 0; i < 200; i++) p.addTextRow(cols, [String(i - 5), String(i), ["basic", "premium", "basic", "free"][i % 4] as string, `id-${i}`]);
    const c = suggestConstraints(parseStatistics("s", toStatistics(p)));
    expect(c.features.map((f) => f.num_constraints?.is_non_negative)).toEqual([false, true, undefined, undefined]);
    // in the statistics' bucket order (Scala 2.12 HashMap order, as SageMaker's domains)
    expect(c.features[2]?.string_constraints?.domains).toEqual(["premium", "basic", "free"]);
    // 200 distinct values, all seen once: no domain
    expect(c.features[3]?.string_constraints).toBeUndefined();
    expect(c.monitoring_config).toEqual(DEFAULT_MONITORING_CONFIG);
  });

  it("suggests domains for every String feature with a categorical distribution, whatever its exact size (Deequ's CategoricalRangeRule has no cap of its own)", () => {
    // 126 distinct values whose SageMaker estimate is 120: a distribution of 126 buckets, so a domain
    const p = new DatasetProfile();
    const cols = p.columns(["c"]);
    for (let i = 0; i < 126 * 20; i++) p.addTextRow(cols, [`c${i % 126}`]);
    const stats = parseStatistics("s", toStatistics(p));
    expect(stats.features[0]?.string_statistics?.distinct_count).toBe(120);
    expect(stats.features[0]?.string_statistics?.distribution?.categorical.buckets).toHaveLength(126);
    expect(suggestConstraints(stats).features[0]?.string_constraints?.domains).toHaveLength(126);
  });

  it("skips domains when more than 10% of the distinct values are seen once", () => {
    const p = new DatasetProfile();
    const cols = p.columns(["s"]);
    // 10 values seen 5 times each + 2 seen once: 2/12 > 10%
    for (let v = 0; v < 10; v++) for (let k = 0; k < 5; k++) p.addTextRow(cols, [`v${v}`]);
    p.addTextRow(cols, ["once-a"]);
    p.addTextRow(cols, ["once-b"]);
    expect(suggestConstraints(parseStatistics("s", toStatistics(p))).features[0]?.string_constraints).toBeUndefined();
  });
});
