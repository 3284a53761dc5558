import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deequHistogramOrder } from "../../src/profiles/scalaHashMapOrder.js";
import { StatisticsSchema } from "../../src/formats/statisticsFormat.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { FeatureProfile } from "../../src/profiles/FeatureProfile.js";
import { featureStatistics, inferredType, KLL_BUCKETS, kllBuckets, toStatistics } from "../../src/profiles/toStatistics.js";
import { KllSketch, WeightedDistribution } from "../../src/sketches/kllSketch.js";
import { fixedQ, params, SCALE } from "../laws/lawSupport.js";

/** kinds vector [missing, integral, fractional, boolean, string]. */
const k = (missing: number, integral: number, fractional: number, boolean: number, string: number): number[] => [
  missing,
  integral,
  fractional,
  boolean,
  string,
];

describe("inferredType", () => {
  const table: Array<[string, number[], string]> = [
    ["nothing at all", k(0, 0, 0, 0, 0), "Unknown"],
    ["only missing", k(5, 0, 0, 0, 0), "Unknown"],
    ["integral", k(1, 3, 0, 0, 0), "Integral"],
    ["integral and fractional", k(0, 3, 1, 0, 0), "Fractional"],
    ["only fractional", k(0, 0, 2, 0, 0), "Fractional"],
    ["only boolean (no Boolean type in SageMaker)", k(0, 0, 0, 4, 0), "String"],
    ["boolean mixed with numbers", k(0, 5, 5, 1, 0), "String"],
    ["one string among numbers", k(0, 100, 100, 0, 1), "String"],
    ["only strings", k(2, 0, 0, 0, 3), "String"],
  ];
  for (const [what, kinds, expected] of table) {
    it(`${what} → ${expected}`, () => {
      expect(inferredType(kinds)).toBe(expected);
    });
  }

  it("follows the feature's value kinds", () => {
    const f = new FeatureProfile("f");
    expect(inferredType(f.kinds)).toBe("Unknown");
    f.updateString("");
    expect(inferredType(f.kinds)).toBe("Unknown");
    f.updateString("1");
    expect(inferredType(f.kinds)).toBe("Integral");
    f.updateString("1.5");
    expect(inferredType(f.kinds)).toBe("Fractional");
    f.updateString("true");
    expect(inferredType(f.kinds)).toBe("String");
  });
});

describe("kllBuckets", () => {
  const exact = (xs: readonly number[]): WeightedDistribution => WeightedDistribution.fromLevels([xs.slice()]);
  const bounds = (min: number, max: number): number[] => {
    const b = kllBuckets(exact([min, max]), min, max);
    return [...b.map((x) => x.lower_bound), (b[b.length - 1] as { upper_bound: number }).upper_bound];
  };

  it("has 10 buckets whose bounds are min + (max − min)·i / 10, multiplying first (SageMaker's doubles)", () => {
    expect(KLL_BUCKETS).toBe(10);
    // Intl Mins [0, 18.4] and Night Mins [23.2, 395] in SageMaker's churn statistics
    expect(bounds(0, 18.4)).toEqual([
      0, 1.8399999999999999, 3.6799999999999997, 5.52, 7.359999999999999, 9.2, 11.04, 12.879999999999999, 14.719999999999999, 16.56, 18.4,
    ]);
    expect(bounds(23.2, 395)).toEqual([23.2, 60.379999999999995, 97.56, 134.74, 171.92, 209.1, 246.28, 283.46, 320.64, 357.82, 395]);
    // Churn [0, 1]: first bucket [0.0, 0.1]
    const churn = kllBuckets(exact([0, 1]), 0, 1);
    expect([churn[0]?.lower_bound, churn[0]?.upper_bound]).toEqual([0, 0.1]);
  });

  it("multiplies before dividing: (1·3)/10 = 0.3, not 3·(1/10) = 0.30000000000000004", () => {
    const b = bounds(0, 1);
    expect(b[3]).toBe(0.3);
    expect(b[6]).toBe(0.6);
    expect(b[7]).toBe(0.7);
    expect(3 * (1 / 10)).toBe(0.30000000000000004); // the order matters for these doubles
    // and upper_bound of bucket i is the same double as lower_bound of bucket i+1
    const bs = kllBuckets(exact([0, 1]), 0, 1);
    for (let i = 0; i + 1 < bs.length; i++) expect(bs[i]?.upper_bound).toBe(bs[i + 1]?.lower_bound);
  });

  it("counts [lower, upper) per bucket, the last bucket closed [lower, max]", () => {
    const xs = Array.from({ length: 11 }, (_, i) => i); // 0…10: one value on every bound
    const b = kllBuckets(exact(xs), 0, 10);
    expect(b.map((x) => x.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(b.map((x) => [x.lower_bound, x.upper_bound])).toEqual(Array.from({ length: 10 }, (_, i) => [i, i + 1]));
  });

  it("uses the weights of compacted levels", () => {
    // level 0: 1, 9 (weight 1); level 1: 5 (weight 2); level 2: 10 (weight 4)
    const d = WeightedDistribution.fromLevels([[1, 9], [5], [10]]);
    const b = kllBuckets(d, 1, 10);
    const counts = b.map((x) => x.count);
    expect(counts.reduce((a, c) => a + c, 0)).toBe(8);
    expect(counts[0]).toBe(1);
    expect(counts[4]).toBe(2); // [4.6, 5.5) holds 5 (weight 2)
    expect(counts[8]).toBe(1); // [8.2, 9.1) holds 9
    expect(counts[9]).toBe(4); // [9.1, 10] holds 10 (weight 4)
  });

  it("puts everything in the last bucket when min = max", () => {
    const b = kllBuckets(exact([5, 5, 5]), 5, 5);
    expect(b.map((x) => x.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(b.every((x) => x.lower_bound === 5 && x.upper_bound === 5)).toBe(true);
  });

  it("counts sum to n, exactly and after compaction", () => {
    fc.assert(
      fc.property(fc.array(fixedQ, { minLength: 1, maxLength: 3000 }), fc.constantFrom(8, 64, 2048), (qs, kk) => {
        const xs = qs.map((q) => q / SCALE);
        const s = new KllSketch(kk);
        for (const x of xs) s.update(x);
        const min = Math.min(...xs);
        const max = Math.max(...xs);
        const b = kllBuckets(s.toDistribution(), min, max);
        expect(b.length).toBe(10);
        // for these fixed-point values the last upper bound is max itself (see the report for
        // general doubles, where min + (max − min)·10/10 can round below max)
        expect(b[9]?.upper_bound).toBe(max);
        expect(b.reduce((a, x) => a + x.count, 0)).toBe(xs.length);
        expect(b.every((x) => x.count >= 0)).toBe(true);
        // with no compaction the counts are exact
        if (s.levels().length === 1) {
          b.forEach((bucket, i) => {
            const inBucket = xs.filter((x) => x >= bucket.lower_bound && (i === 9 ? x <= bucket.upper_bound : x < bucket.upper_bound));
            expect(bucket.count).toBe(inBucket.length);
          });
        }
      }),
      params(3001, 100),
    );
  });
});

describe("toStatistics", () => {
  function csvProfile(): DatasetProfile {
    const p = new DatasetProfile();
    const cols = p.columns(["n", "s", "x", "e"]);
    const rows = [
      ["1", "CA", "0.5", ""],
      ["2", "NV", "1.5", ""],
      ["3", "CA", "2", " "],
      ["4", "", "x", ""],
      ["", "CA", "true", ""],
    ];
    for (const r of rows) p.addTextRow(cols, r);
    return p;
  }

  it("writes SageMaker's document shape and key order for numeric and string features", () => {
    const stats = toStatistics(csvProfile());
    const nBounds = Array.from({ length: 11 }, (_, i) => 1 + (3 * i) / 10);
    const expected = {
      version: 0,
      dataset: { item_count: 5 },
      features: [
        {
          name: "n",
          inferred_type: "Integral",
          numerical_statistics: {
            common: { num_present: 4, num_missing: 1 },
            mean: 2.5,
            sum: 10,
            std_dev: Math.sqrt(1.25),
            min: 1,
            max: 4,
            approximate_num_distinct_values: 4,
            completeness: 0.8,
            distribution: {
              kll: {
                buckets: nBounds.slice(0, 10).map((lower, i) => ({
                  lower_bound: lower,
                  upper_bound: nBounds[i + 1],
                  count: [0, 3, 6, 9].includes(i) ? 1 : 0, // 1 ∈ [1,1.3), 2 ∈ [1.9,2.2), 3 ∈ [2.8,3.1), 4 ∈ [3.7,4]
                })),
                sketch: { parameters: { c: 0.64, k: 2048 }, data: [[1, 2, 3, 4]] },
              },
            },
          },
        },
        {
          name: "s",
          inferred_type: "String",
          string_statistics: {
            common: { num_present: 4, num_missing: 1 },
            distinct_count: 2,
            completeness: 0.8,
            distribution: {
              categorical: {
                // SageMaker's order: Deequ's histogram order (scalaHashMapOrder.test.ts)
                buckets: deequHistogramOrder("s", ["CA", "NV"]).map((value) => ({ value, count: value === "CA" ? 3 : 1 })),
              },
            },
          },
        },
        {
          name: "x",
          inferred_type: "String", // one String ("x") and one Boolean ("true") make the column String
          string_statistics: {
            common: { num_present: 5, num_missing: 0 },
            distinct_count: 5,
            completeness: 1,
            distribution: {
              categorical: {
                buckets: deequHistogramOrder("x", ["0.5", "1.5", "2", "true", "x"]).map((value) => ({ value, count: 1 })),
              },
            },
          },
        },
        {
          name: "e",
          inferred_type: "Unknown",
          string_statistics: {
            common: { num_present: 0, num_missing: 5 },
            distinct_count: 0,
            completeness: 0,
          },
        },
      ],
    };
    // JSON text equality checks values and key order together
    expect(JSON.stringify(stats, null, 1)).toBe(JSON.stringify(expected, null, 1));
    expect(StatisticsSchema.safeParse(stats).success).toBe(true);
  });

  it("writes a Fractional feature's moments from the exact sum", () => {
    const p = new DatasetProfile();
    for (let i = 0; i < 10; i++) p.addObjectRow({ f: 0.1 });
    const f = (toStatistics(p)["features"] as Array<Record<string, Record<string, unknown>>>)[0];
    expect(f?.["inferred_type"]).toBe("Fractional");
    expect(f?.["numerical_statistics"]?.["sum"]).toBe(1);
    expect(f?.["numerical_statistics"]?.["mean"]).toBe(0.1);
    expect(f?.["numerical_statistics"]?.["std_dev"]).toBe(0);
  });

  it("writes zeros and no buckets for a numeric feature without finite values", () => {
    const f = new FeatureProfile("big");
    f.updateString("1e400"); // Fractional, but not finite
    const s = featureStatistics(f, 2) as { inferred_type: string; numerical_statistics: Record<string, unknown> };
    expect(s.inferred_type).toBe("Fractional");
    expect(s.numerical_statistics).toMatchObject({
      common: { num_present: 1, num_missing: 1 },
      mean: 0,
      sum: 0,
      std_dev: 0,
      min: 0,
      max: 0,
      distribution: { kll: { buckets: [], sketch: { parameters: { c: 0.64, k: 2048 }, data: [[]] } } },
    });
  });

  it("distinct_count is Deequ's HyperLogLog++ estimate; a String feature has buckets only up to 120 of them, exact and all listed (issue 10, point 1)", () => {
    const opts = { category_cap: 1000, kll_k: 2048, kll_c: 0.64 };
    type S = { string_statistics: { distinct_count: number; distribution?: { categorical: { buckets: Array<{ value: string; count: number }> } } } };
    const feature = (distinct: number, rows: number, options = opts): S => {
      const f = new FeatureProfile("c", options);
      for (let i = 0; i < rows; i++) f.updateString(`v${i % distinct}`);
      const s = featureStatistics(f, rows) as S;
      expect(s.string_statistics.distinct_count).toBe(Math.round(f.distinctEstimate()));
      return s;
    };
    const fifty = feature(50, 500);
    expect(fifty.string_statistics.distribution?.categorical.buckets).toHaveLength(50);
    expect(fifty.string_statistics.distribution?.categorical.buckets.reduce((t, b) => t + b.count, 0)).toBe(500);
    // above 120 (a zip-code or city column): no distribution, as SageMaker writes none
    const many = feature(400, 2000);
    expect(many.string_statistics.distribution).toBeUndefined();
    expect(Math.abs(many.string_statistics.distinct_count / 400 - 1)).toBeLessThan(0.14);
    // beyond category_cap too
    expect(feature(5000, 5000).string_statistics.distribution).toBeUndefined();
    // under 120 distinct but counts not exact (category_cap 2): nothing partial is written
    expect(feature(3, 30, { ...opts, category_cap: 2 }).string_statistics.distribution).toBeUndefined();
  });

  it("a String feature mixing numbers and text over the threshold (a zip-code column) gets no partial Unknown bucket", () => {
    const f = new FeatureProfile("zipcode");
    for (let i = 0; i < 3000; i++) f.updateString(i % 10 === 0 ? "Unknown" : `${98000 + (i % 1500)}.0`);
    const s = featureStatistics(f, 3000) as { inferred_type: string; string_statistics: Record<string, unknown> };
    expect(s.inferred_type).toBe("String");
    expect(Object.keys(s.string_statistics)).toEqual(["common", "distinct_count", "completeness"]);
  });

  it("num_missing counts rows where a JSON feature is absent", () => {
    const p = new DatasetProfile();
    p.addObjectRow({ a: 1 });
    p.addObjectRow({ b: "x" });
    p.addObjectRow({ a: null, b: "y" });
    const feats = toStatistics(p)["features"] as Array<{ name: string; numerical_statistics?: { common: unknown }; string_statistics?: { common: unknown } }>;
    expect(feats.map((f) => [f.name, (f.numerical_statistics ?? f.string_statistics)?.common])).toEqual([
      ["a", { num_present: 1, num_missing: 2 }],
      ["b", { num_present: 2, num_missing: 1 }],
    ]);
  });
});
