import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Moments } from "../../src/sketches/moments.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { params, prng, relClose } from "../laws/lawSupport.js";

function momentsOf(xs: readonly number[]): Moments {
  const m = new Moments();
  for (const x of xs) m.update(x);
  return m;
}

/** Two-pass population σ (mean first, then Σ(x − mean)²), with fsum-like care not needed here. */
function twoPassStd(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / xs.length);
}

describe("Moments: statistics", () => {
  it("SageMaker reference: 325 ones and 2008 zeros → mean 0.139306…, std_dev √(p(1−p)) = 0.346265…", () => {
    const p = 325 / 2333;
    for (const order of ["ones first", "zeros first"]) {
      const m = new Moments();
      const ones = (): void => {
        for (let i = 0; i < 325; i++) m.update(1);
      };
      const zeros = (): void => {
        for (let i = 0; i < 2008; i++) m.update(0);
      };
      if (order === "ones first") {
        ones();
        zeros();
      } else {
        zeros();
        ones();
      }
      expect(m.count).toBe(2333);
      expect(m.sum.value()).toBe(325);
      expect(m.mean).toBe(p); // sum / count, exactly rounded
      expect(m.mean).toBeCloseTo(0.139306, 6);
      expect(relClose(m.stdDev, Math.sqrt(p * (1 - p)), 1e-14)).toBe(true);
      expect(m.stdDev).toBeCloseTo(0.346265, 6);
      expect(m.min).toBe(0);
      expect(m.max).toBe(1);
    }
  });

  it("std_dev is the population σ (divides by n, not n − 1)", () => {
    expect(momentsOf([2, 4, 4, 4, 5, 5, 7, 9]).stdDev).toBe(2);
    expect(momentsOf([1, 2, 3, 4]).variance).toBe(1.25);
    expect(momentsOf([42]).stdDev).toBe(0);
    expect(momentsOf([3, 3, 3]).stdDev).toBe(0);
  });

  it("is not fooled by a large offset (no E[x²] − E[x]² cancellation)", () => {
    const m = momentsOf([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(m.variance).toBe(22.5);
    expect(m.mean).toBe(1e9 + 10);
  });

  it("mean uses the exactly rounded sum: ten 0.1s have mean 0.1", () => {
    const m = momentsOf(Array(10).fill(0.1) as number[]);
    expect(m.sum.value()).toBe(1);
    expect(m.mean).toBe(0.1);
  });

  it("is empty-safe: count 0, mean/std NaN, min/max ±Infinity internally, null when serialized", () => {
    const m = Moments.empty();
    expect(m.count).toBe(0);
    expect(m.mean).toBeNaN();
    expect(m.stdDev).toBeNaN();
    expect(m.min).toBe(Infinity);
    expect(m.max).toBe(-Infinity);
    expect(m.serialize()).toMatchObject({ v: 1, count: 0, min: null, max: null });
    const back = Moments.deserialize(JSON.parse(JSON.stringify(m.serialize())));
    expect(back.min).toBe(Infinity);
    expect(back.max).toBe(-Infinity);
    back.update(-3);
    expect([back.min, back.max, back.mean]).toEqual([-3, -3, -3]);
  });
});

describe("Moments: merge (Chan et al.)", () => {
  it("matches the two-pass σ of the concatenation on a hand example", () => {
    const a = momentsOf([1, 2, 3]);
    const b = momentsOf([10, 20]);
    const m = a.merge(b);
    // mean 7.2, Σ(x−7.2)² = 38.44+27.04+17.64+7.84+163.84 = 254.8, σ² = 50.96
    expect(m.count).toBe(5);
    expect(m.mean).toBe(7.2);
    expect(relClose(m.variance, 50.96, 1e-15)).toBe(true);
    expect([m.min, m.max, m.sum.value()]).toEqual([1, 20, 36]);
  });

  it("merged parts agree with a two-pass computation over all values (relative 1e-13)", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 2000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(1, 1e-3, 1e6), (seed, n, cuts, scale) => {
        const r = prng(seed);
        const xs = Array.from({ length: n }, () => (r() * 2 - 0.5) * scale);
        const at = [...new Set(cuts.map((c) => c % (n + 1)))].sort((p, q) => p - q);
        let merged = Moments.empty();
        let prev = 0;
        for (const c of [...at, n]) {
          merged = merged.merge(momentsOf(xs.slice(prev, c)));
          prev = c;
        }
        const whole = momentsOf(xs);
        const ref = twoPassStd(xs);
        expect(relClose(merged.stdDev, ref, 1e-13)).toBe(true);
        expect(relClose(whole.stdDev, ref, 1e-13)).toBe(true);
        expect(merged.mean).toBe(whole.mean);
        expect(merged.count).toBe(n);
        expect(merged.min).toBe(Math.min(...xs));
        expect(merged.max).toBe(Math.max(...xs));
      }),
      params(2001, 200),
    );
  });

  it("merge with an empty side copies the other side's state exactly", () => {
    const a = momentsOf([0.5, 1.25, -3]);
    expect(Moments.empty().merge(a).serialize()).toMatchObject({ count: 3, mean: a.serialize().mean, m2: a.serialize().m2 });
    expect(a.merge(Moments.empty()).stdDev).toBe(a.stdDev);
  });

  it("merge leaves its inputs untouched", () => {
    const a = momentsOf([1, 2]);
    const b = momentsOf([3]);
    const before = [JSON.stringify(a.serialize()), JSON.stringify(b.serialize())];
    a.merge(b);
    expect([JSON.stringify(a.serialize()), JSON.stringify(b.serialize())]).toEqual(before);
  });
});

describe("Moments.deserialize", () => {
  it("rejects bad states with SketchStateError", () => {
    const good = momentsOf([1, 2, 3]).serialize();
    expect(() => Moments.deserialize({ ...good, count: "3" })).toThrow(/moments state: count must be a number/);
    expect(() => Moments.deserialize({ ...good, m2: undefined })).toThrow(/m2 must be a number/);
    expect(() => Moments.deserialize({ ...good, v: 9 })).toThrow(SketchStateError);
    expect(() => Moments.deserialize({ ...good, sum: null })).toThrow(/exact_sum state/);
  });
});
