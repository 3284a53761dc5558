import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chiSquaredPValue, KS_C_ALPHA, linfCategorical, linfNumeric, robust } from "../../src/checks/distances.js";
import { WeightedDistribution } from "../../src/sketches/kllSketch.js";
import { params } from "../laws/lawSupport.js";

type Counts = Array<[string, number]>;

/**
 * erfc by Numerical Recipes' Chebyshev fit (erfcc), fractional error < 1.2e-7 everywhere:
 * independent of the chi-square library src uses.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of χ² with 1 degree of freedom: P(X > s) = erfc(√(s/2)). */
const pDf1 = (s: number): number => erfc(Math.sqrt(s / 2));
/** Upper tail of χ² with 2 degrees of freedom: exp(−s/2). */
const pDf2 = (s: number): number => Math.exp(-s / 2);

/** Pearson's statistic of observed vs expected counts. */
function pearson(observed: readonly number[], expected: readonly number[]): number {
  let s = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    s += ((o - e) * (o - e)) / e;
  });
  return s;
}

function expectRelClose(actual: number, expected: number, rel = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe("the reference erfc", () => {
  it("matches known values", () => {
    expectRelClose(erfc(0), 1);
    expectRelClose(erfc(1), 0.15729920705028513);
    expectRelClose(erfc(Math.SQRT2 * 2), 6.334248366623977e-5);
    expectRelClose(erfc(-1), 1.8427007929497148);
  });
});

describe("linfNumeric", () => {
  const exact = (xs: number[]): WeightedDistribution => WeightedDistribution.fromLevels([xs]);

  it("is the largest CDF gap over the items of either side", () => {
    expect(linfNumeric(exact([1, 2, 3, 4]), exact([1, 2, 3, 4]))).toBe(0);
    expect(linfNumeric(exact([1, 2, 3, 4]), exact([3, 4, 5, 6]))).toBe(0.5);
    expect(linfNumeric(exact([1, 2]), exact([10, 20]))).toBe(1);
    // ties across sides: at 2, F_b = 3/4 and F_c = 1/2
    expect(linfNumeric(exact([1, 2, 2, 3]), exact([2, 3]))).toBe(0.25);
  });

  it("weighs an item on level h by 2^h", () => {
    // level 0: 5 (weight 1); level 1: 1 (weight 2) → the same CDF as {1, 1, 5}
    const weighted = WeightedDistribution.fromLevels([[5], [1]]);
    expect(weighted.total).toBe(3);
    expect(linfNumeric(weighted, exact([1, 1, 5]))).toBe(0);
    expect(linfNumeric(weighted, exact([1, 5, 5]))).toBeCloseTo(1 / 3, 15);
  });

  it("is symmetric, in [0, 1], and 0 against itself", () => {
    const values = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const a = exact(xs);
        const b = exact(ys);
        const d = linfNumeric(a, b);
        return d === linfNumeric(b, a) && d >= 0 && d <= 1 && linfNumeric(a, a) === 0;
      }),
      params(702, 300),
    );
  });
});

describe("robust", () => {
  it("subtracts 1.8·√((n+m)/(n·m)) and floors at 0", () => {
    expect(KS_C_ALPHA).toBe(1.8);
    expect(robust(0.5, 100, 100)).toBeCloseTo(0.5 - 1.8 * Math.sqrt(0.02), 15);
    expect(robust(0.1, 100, 100)).toBe(0);
    expect(robust(0, 1e6, 1e6)).toBe(0);
  });
});

describe("linfCategorical", () => {
  it("the largest frequency difference over the union of categories", () => {
    const b: Counts = [
      ["a", 50],
      ["b", 50],
    ];
    expect(
      linfCategorical(
        b,
        100,
        [
          ["a", 30],
          ["b", 70],
        ],
        100,
      ),
    ).toBeCloseTo(0.2, 15);
    expect(linfCategorical(b, 100, b, 100)).toBe(0);
    // proportions, not counts
    expect(
      linfCategorical(
        b,
        100,
        [
          ["a", 3],
          ["b", 3],
        ],
        6,
      ),
    ).toBe(0);
  });

  it("a category present on one side only counts with frequency 0 on the other", () => {
    const b: Counts = [
      ["a", 2],
      ["b", 2],
    ];
    // window-only category "c": |0 − 0.5| = 0.5
    expect(
      linfCategorical(
        b,
        4,
        [
          ["a", 1],
          ["b", 1],
          ["c", 2],
        ],
        4,
      ),
    ).toBe(0.5);
    // baseline-only category "b": |0.5 − 0| = 0.5 and |0.5 − 1| = 0.5
    expect(linfCategorical(b, 4, [["a", 3]], 3)).toBe(0.5);
    // disjoint: 1
    expect(linfCategorical(b, 4, [["x", 7]], 7)).toBe(1);
  });

  it("uses the totals given (values outside the buckets still weigh in the denominator)", () => {
    // the window holds 10 values but only 4 are in the (heavy-hitter) buckets
    expect(linfCategorical([["a", 1]], 1, [["a", 4]], 10)).toBeCloseTo(0.6, 15);
  });
});

describe("chiSquaredPValue", () => {
  it("[30, 70] against proportions [0.5, 0.5]: χ² = 16, df 1, p ≈ 6.33e-5", () => {
    const p = chiSquaredPValue(
      [
        ["a", 30],
        ["b", 70],
      ],
      [
        ["a", 50],
        ["b", 50],
      ],
    );
    expect(pearson([30, 70], [50, 50])).toBe(16);
    expectRelClose(p, pDf1(16));
    expect(p).toBeCloseTo(6.33e-5, 6);
  });

  it("scales the baseline proportions to the window's count (baseline counts need not match)", () => {
    const p = chiSquaredPValue(
      [
        ["a", 30],
        ["b", 70],
      ],
      [
        ["a", 5000],
        ["b", 5000],
      ],
    );
    expectRelClose(p, pDf1(16));
  });

  it("a window exactly on the baseline's proportions: p = 1", () => {
    const current: Counts = [
      ["a", 25],
      ["b", 25],
      ["c", 25],
      ["d", 25],
    ];
    const baseline: Counts = [
      ["a", 1000],
      ["b", 1000],
      ["c", 1000],
      ["d", 1000],
    ];
    expect(chiSquaredPValue(current, baseline)).toBeCloseTo(1, 12);
  });

  it("3 cells, df 2: p = exp(−χ²/2)", () => {
    // observed [20, 30, 40] vs expected [30, 30, 30]: χ² = 20/3
    const p = chiSquaredPValue(
      [
        ["a", 20],
        ["b", 30],
        ["c", 40],
      ],
      [
        ["a", 100],
        ["b", 100],
        ["c", 100],
      ],
    );
    expectRelClose(p, pDf2(20 / 3));
    expect(p).toBeCloseTo(0.0356739933, 8);
  });

  it("ignores window-only categories (in the statistic and in the count the proportions scale to)", () => {
    const baseline: Counts = [
      ["a", 50],
      ["b", 50],
    ];
    const withExtra = chiSquaredPValue(
      [
        ["a", 30],
        ["zzz", 1000],
        ["b", 70],
      ],
      baseline,
    );
    expectRelClose(withExtra, pDf1(16));
  });

  it("a baseline category absent from the window counts as observed 0", () => {
    // observed [60, 40, 0] vs expected [40, 40, 20]: χ² = 10 + 0 + 20 = 30
    const p = chiSquaredPValue(
      [
        ["a", 60],
        ["b", 40],
      ],
      [
        ["a", 40],
        ["b", 40],
        ["c", 20],
      ],
    );
    expectRelClose(p, pDf2(30));
  });

  it("Yates (more than 2 cells): merges the smallest expected cell into the next smallest until at most 20% are below 5", () => {
    // expected (= baseline, same total 100): a 1, b 2, c 30, d 31, e 36
    //  5 cells, 2 below 5 > ⌊0.2·5⌋ = 1 → a joins b: b 3 (observed 3+1 = 4)
    //  4 cells, 1 below 5 > ⌊0.8⌋ = 0 → b joins c (next smallest): c 33 (observed 4+28 = 32)
    //  3 cells c 33, d 31, e 36: none below 5 → χ² over [32, 32, 36] vs [33, 31, 36], df 2
    const p = chiSquaredPValue(
      [
        ["a", 3],
        ["b", 1],
        ["c", 28],
        ["d", 32],
        ["e", 36],
      ],
      [
        ["a", 1],
        ["b", 2],
        ["c", 30],
        ["d", 31],
        ["e", 36],
      ],
    );
    expectRelClose(p, pDf2(pearson([32, 32, 36], [33, 31, 36])));
  });

  it("Yates: one cell below 5 in 5 cells is allowed (no merge)", () => {
    // expected a 4, b 24, c 24, d 24, e 24; observed a 8, b 23, c 23, d 23, e 23 → df 4
    const observed = [8, 23, 23, 23, 23];
    const expected = [4, 24, 24, 24, 24];
    const keys = ["a", "b", "c", "d", "e"];
    const p = chiSquaredPValue(
      keys.map((k, i) => [k, observed[i] as number]),
      keys.map((k, i) => [k, expected[i] as number]),
    );
    // df 4 upper tail: exp(−s/2)·(1 + s/2)
    const s = pearson(observed, expected);
    expectRelClose(p, Math.exp(-s / 2) * (1 + s / 2));
  });

  it("Cochran (2 cells): merges until every expected count is ≥ 10, reducing 3 cells to 2", () => {
    // expected a 2, b 8, c 90 → a joins b (Yates: 1 of 3 below 5 > 0): b 10, c 90 → Cochran holds (10 ≥ 10)
    const p = chiSquaredPValue(
      [
        ["a", 5],
        ["b", 10],
        ["c", 85],
      ],
      [
        ["a", 2],
        ["b", 8],
        ["c", 90],
      ],
    );
    expectRelClose(p, pDf1(pearson([15, 85], [10, 90])));
  });

  it("fewer than 2 cells → NaN: a 2-cell table with an expected count below 10, a 1-category baseline, an empty window", () => {
    expect(
      chiSquaredPValue(
        [
          ["a", 90],
          ["b", 10],
        ],
        [
          ["a", 95],
          ["b", 5],
        ],
      ),
    ).toBeNaN();
    expect(chiSquaredPValue([["a", 10]], [["a", 10]])).toBeNaN();
    expect(
      chiSquaredPValue(
        [],
        [
          ["a", 10],
          ["b", 10],
        ],
      ),
    ).toBeNaN();
    // only window-only categories: nothing to compare
    expect(
      chiSquaredPValue(
        [["z", 10]],
        [
          ["a", 10],
          ["b", 10],
        ],
      ),
    ).toBeNaN();
  });

  it("merges in a deterministic order whatever the input order (ties go to the smaller name)", () => {
    const current: Counts = [
      ["a", 2],
      ["b", 0],
      ["c", 1],
      ["d", 40],
      ["e", 57],
    ];
    const baseline: Counts = [
      ["a", 1],
      ["b", 1],
      ["c", 1],
      ["d", 40],
      ["e", 57],
    ];
    const p = chiSquaredPValue(current, baseline);
    expect(chiSquaredPValue(current.slice().reverse(), baseline.slice().reverse())).toBe(p);
    // a (1) joins b (1): b 2 (obs 2); 4 cells, 2 below 5 > 0 → c (1) joins b (2): b 3 (obs 3); 3 cells, 1 below > 0
    // → b (3) joins d (40): d 43 (obs 43); cells d 43, e 57 → observed [43, 57] vs expected [43, 57]
    expect(p).toBeCloseTo(1, 12);
  });
});
