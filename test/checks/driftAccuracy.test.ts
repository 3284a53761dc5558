/**
 * Numeric drift accuracy (the requirement): the L∞ distance between the baseline's KLL
 * sketch (k = 2048, so a 100k+ baseline is compacted) and the window's sketch must be within 0.01
 * of the exact two-sample Kolmogorov–Smirnov statistic of the raw values; Robust must be
 * max(0, L∞ − 1.8·√((n+m)/(n·m))).
 */
import { describe, expect, it } from "vitest";
import { baselineDriftCheck } from "../../src/checks/baselineDriftCheck.js";
import { linfNumeric, robust } from "../../src/checks/distances.js";
import { KllSketch } from "../../src/sketches/kllSketch.js";
import { mulberry32, normal } from "../support/random.js";
import { baselineOf, currentOf, only, statisticsOf } from "./support.js";

const TOLERANCE = 0.01;

/**
 * The exact two-sample KS statistic of two ascending arrays: walk both in merged order and, after
 * consuming every value equal to the current smallest on both sides, compare the empirical CDFs.
 */
function exactKs(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let sup = 0;
  while (i < n || j < m) {
    const x = j >= m ? (a[i] as number) : i >= n ? (b[j] as number) : Math.min(a[i] as number, b[j] as number);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    sup = Math.max(sup, Math.abs(i / n - j / m));
  }
  return sup;
}

function sample(n: number, draw: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

function sketchOf(xs: Float64Array): KllSketch {
  const s = new KllSketch();
  for (const x of xs) s.update(x);
  return s;
}

function sorted(xs: Float64Array): Float64Array {
  return xs.slice().sort();
}

type Draw = (seed: number) => () => number;

const gauss =
  (mu: number, sigma: number): Draw =>
  (seed) => {
    const z = normal(mulberry32(seed));
    return () => mu + sigma * z();
  };
const logNormal =
  (mu: number, sigma: number): Draw =>
  (seed) => {
    const z = normal(mulberry32(seed));
    return () => Math.exp(mu + sigma * z());
  };
/** Integers: a rounded normal, so every value is heavily tied. */
const roundedGauss =
  (mu: number, sigma: number): Draw =>
  (seed) => {
    const z = normal(mulberry32(seed));
    return () => Math.round(mu + sigma * z());
  };
/** A few values only (0, 1, 2, 3 with the given weights). */
const categorical =
  (weights: readonly number[]): Draw =>
  (seed) => {
    const u = mulberry32(seed);
    const total = weights.reduce((s, w) => s + w, 0);
    return () => {
      let r = u() * total;
      for (let v = 0; v < weights.length; v++) {
        r -= weights[v] as number;
        if (r < 0) return v;
      }
      return weights.length - 1;
    };
  };
const mixture =
  (p: number, a: Draw, b: Draw): Draw =>
  (seed) => {
    const u = mulberry32(seed);
    const da = a(seed + 1);
    const db = b(seed + 2);
    return () => (u() < p ? da() : db());
  };
const uniform =
  (lo: number, hi: number): Draw =>
  (seed) => {
    const u = mulberry32(seed);
    return () => lo + (hi - lo) * u();
  };

interface Case {
  name: string;
  baseline: Draw;
  window: Draw;
  n: number;
  m: number;
}

const CASES: Case[] = [
  { name: "same distribution N(0,1), large window", baseline: gauss(0, 1), window: gauss(0, 1), n: 300_000, m: 50_000 },
  { name: "same distribution N(0,1), small window", baseline: gauss(0, 1), window: gauss(0, 1), n: 200_000, m: 1_000 },
  { name: "shifted normal N(0,1) vs N(0.3,1)", baseline: gauss(0, 1), window: gauss(0.3, 1), n: 300_000, m: 20_000 },
  { name: "far shifted normal N(0,1) vs N(2,1)", baseline: gauss(0, 1), window: gauss(2, 1), n: 100_000, m: 5_000 },
  { name: "scaled N(0,1) vs N(0,1.5²)", baseline: gauss(0, 1), window: gauss(0, 1.5), n: 250_000, m: 30_000 },
  { name: "lognormal vs normal with similar mean", baseline: logNormal(0, 0.5), window: gauss(1.13, 0.6), n: 300_000, m: 10_000 },
  { name: "discrete with ties: round(N(50,5)) vs round(N(51,5))", baseline: roundedGauss(50, 5), window: roundedGauss(51, 5), n: 300_000, m: 50_000 },
  { name: "four values only, reweighted", baseline: categorical([4, 3, 2, 1]), window: categorical([3, 3, 3, 1]), n: 150_000, m: 8_000 },
  {
    name: "mixture 0.7·N(0,1)+0.3·N(4,0.5) vs 0.5/0.5",
    baseline: mixture(0.7, gauss(0, 1), gauss(4, 0.5)),
    window: mixture(0.5, gauss(0, 1), gauss(4, 0.5)),
    n: 300_000,
    m: 40_000,
  },
  { name: "uniform [0,1) vs [0.05,1.05)", baseline: uniform(0, 1), window: uniform(0.05, 1.05), n: 120_000, m: 3_000 },
];

describe("numeric drift accuracy: sketch L∞ vs the exact two-sample KS statistic", () => {
  CASES.forEach((c, index) => {
    it(`${c.name} (n = ${c.n}, m = ${c.m}): |ours − exact| ≤ ${TOLERANCE}, Robust = max(0, ours − 1.8·√((n+m)/(n·m)))`, () => {
      const a = sample(c.n, c.baseline(1000 + 2 * index));
      const b = sample(c.m, c.window(5000 + 2 * index));
      const baselineSketch = sketchOf(a);
      const windowSketch = sketchOf(b);
      // the baseline is compacted: items on more than one level, far fewer than n retained
      expect(baselineSketch.levels().length).toBeGreaterThan(1);
      expect(baselineSketch.retained).toBeLessThan(c.n / 10);
      const bd = baselineSketch.toDistribution();
      const wd = windowSketch.toDistribution();
      expect(bd.total).toBe(c.n);
      expect(wd.total).toBe(c.m);

      const exact = exactKs(sorted(a), sorted(b));
      const ours = linfNumeric(bd, wd);
      expect(Math.abs(ours - exact)).toBeLessThanOrEqual(TOLERANCE);

      const expectedRobust = Math.max(0, ours - 1.8 * Math.sqrt((c.n + c.m) / (c.n * c.m)));
      expect(robust(ours, bd.total, wd.total)).toBeCloseTo(expectedRobust, 14);
      const exactRobust = Math.max(0, exact - 1.8 * Math.sqrt((c.n + c.m) / (c.n * c.m)));
      expect(Math.abs(robust(ours, bd.total, wd.total) - exactRobust)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it("the exact reference itself: hand cases with ties", () => {
    const f = (xs: number[]): Float64Array => Float64Array.from(xs);
    expect(exactKs(f([1, 2, 3, 4]), f([1, 2, 3, 4]))).toBe(0);
    expect(exactKs(f([1, 2, 3, 4]), f([3, 4, 5, 6]))).toBe(0.5);
    // ties across samples: at 2, F1 = 3/4 and F2 = 1/2 → 0.25 (not the 0.5 before consuming F2's 2)
    expect(exactKs(f([1, 2, 2, 3]), f([2, 3]))).toBe(0.25);
    expect(exactKs(f([0, 0, 0, 0]), f([1]))).toBe(1);
  });

  it("the real path: statistics.json (toStatistics) → parseStatistics → buildBaseline; window DatasetProfile → currentView → baselineDriftCheck", () => {
    const base = sample(200_000, mixture(0.8, gauss(10, 2), gauss(16, 1))(77));
    const win = sample(20_000, mixture(0.6, gauss(10.5, 2), gauss(16, 1))(78));
    const statistics = statisticsOf(Array.from(base, (x) => ({ x })));
    const current = currentOf(Array.from(win, (x) => ({ x })));
    const exact = exactKs(sorted(base), sorted(win));
    const n = base.length;
    const m = win.length;

    const simpleBaseline = baselineOf(
      { version: 0, features: [{ name: "x", inferred_type: "Fractional" }], monitoring_config: { distribution_constraints: { comparison_method: "Simple" } } },
      statistics,
    );
    const simpleEval = only(baselineDriftCheck(current, simpleBaseline), "x");
    expect(simpleEval.metric).toBe("linf_simple");
    expect(exact).toBeGreaterThan(0.1); // the case really drifts
    expect(Math.abs((simpleEval.value as number) - exact)).toBeLessThanOrEqual(TOLERANCE);
    expect(simpleEval.verdict).toBe("violation");

    const robustBaseline = baselineOf({ version: 0, features: [{ name: "x", inferred_type: "Fractional" }] }, statistics);
    const robustEval = only(baselineDriftCheck(current, robustBaseline), "x");
    expect(robustEval.metric).toBe("linf_robust");
    expect(robustEval.value as number).toBeCloseTo(Math.max(0, (simpleEval.value as number) - 1.8 * Math.sqrt((n + m) / (n * m))), 14);
    expect(Math.abs((robustEval.value as number) - Math.max(0, exact - 1.8 * Math.sqrt((n + m) / (n * m))))).toBeLessThanOrEqual(TOLERANCE);
  });
});
