/**
 * The monoid laws of src/sketches/Sketch.ts, checked with fast-check on every sketch and profile:
 * identity, commutativity, associativity, split/merge against one sketch over the whole input (and
 * against exact references), and serialize → JSON → deserialize round trips.
 *
 * "Same statistics" means the read side: what the sketch reports (value(), count/mean/std/min/max,
 * ranks, estimate(), summary(), featureStatistics/toStatistics), compared bit for bit with
 * toStrictEqual/toBe (which tell 0 from −0) unless a tolerance is stated and justified.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { FeatureProfile, type SketchOptions } from "../../src/profiles/FeatureProfile.js";
import { featureStatistics, toStatistics } from "../../src/profiles/toStatistics.js";
import { classifyRaw, classifyString, parseNumeric, ValueKind, type RawValue } from "../../src/records/valueType.js";
import { BoundedExactCounts } from "../../src/sketches/boundedExactCounts.js";
import { CategoryCounts } from "../../src/sketches/categoryCounts.js";
import { ExactSum } from "../../src/sketches/exactSum.js";
import { HyperLogLog } from "../../src/sketches/hyperLogLog.js";
import { KllSketch } from "../../src/sketches/kllSketch.js";
import { Moments } from "../../src/sketches/moments.js";
import {
  cutsArb,
  exactMoments,
  exactSumScaled,
  fixedQ,
  fromScaled,
  generate,
  kllCdfBound,
  kllHardBound,
  kllOf,
  maxCdfError,
  maxRankDifference,
  params,
  prng,
  relClose,
  stdTolerance,
  SCALE,
  SHAPES,
  splitAt,
  viaJson,
  wideScaled,
} from "./lawSupport.js";

/** Folds parts left to right, starting from the identity: merge(…merge(merge(empty, p1), p2)…). */
function mergeAll<S extends { merge(o: S): S }>(empty: S, parts: readonly S[]): S {
  return parts.reduce((acc, p) => acc.merge(p), empty);
}

// =============================================================================================
describe("ExactSum", () => {
  const build = (qs: readonly bigint[]): ExactSum => {
    const s = new ExactSum();
    for (const q of qs) s.add(fromScaled(q));
    return s;
  };
  const arr = fc.array(wideScaled, { maxLength: 40 });
  /** Values, their negations and a few small values, shuffled: the exact sum is Σ small. */
  const cancelling = fc.tuple(fc.array(wideScaled, { maxLength: 20 }), fc.array(fixedQ.map(BigInt), { maxLength: 6 }), fc.nat()).map(([big, small, seed]) => {
    const all = [...big, ...big.map((q) => -q), ...small];
    const r = prng(seed);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [all[i], all[j]] = [all[j] as bigint, all[i] as bigint];
    }
    return all;
  });
  const inputs = fc.oneof(arr, cancelling);

  it("identity: merge(empty, a) and merge(a, empty) report a's value", () => {
    fc.assert(
      fc.property(inputs, (qs) => {
        const a = build(qs);
        expect(ExactSum.empty().merge(a).value()).toBe(a.value());
        expect(a.merge(ExactSum.empty()).value()).toBe(a.value());
      }),
      params(101, 200),
    );
  });

  it("commutativity: merge(a, b) and merge(b, a) report the same value", () => {
    fc.assert(
      fc.property(inputs, inputs, (x, y) => {
        const a = build(x);
        const b = build(y);
        expect(a.merge(b).value()).toBe(b.merge(a).value());
      }),
      params(102, 200),
    );
  });

  it("associativity: bit for bit, and equal to the correctly rounded exact sum", () => {
    fc.assert(
      fc.property(inputs, inputs, inputs, (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        const left = a.merge(b).merge(c).value();
        const right = a.merge(b.merge(c)).value();
        expect(left).toBe(right);
        expect(left).toBe(exactSumScaled([...x, ...y, ...z]));
      }),
      params(103, 200),
    );
  });

  it("split/merge: merging the parts of X equals one sum over X equals the exact sum of X", () => {
    fc.assert(
      fc.property(inputs, cutsArb, (qs, cuts) => {
        const exact = exactSumScaled(qs);
        const merged = mergeAll(ExactSum.empty(), splitAt(qs, cuts).map(build));
        expect(merged.value()).toBe(exact);
        expect(build(qs).value()).toBe(exact);
      }),
      params(104, 300),
    );
  });

  it("serialize → JSON → deserialize reproduces the value and later behaviour", () => {
    fc.assert(
      fc.property(inputs, inputs, (x, more) => {
        const a = build(x);
        const b = ExactSum.deserialize(viaJson(a.serialize()));
        expect(b.value()).toBe(a.value());
        for (const q of more) {
          a.add(fromScaled(q));
          b.add(fromScaled(q));
        }
        expect(b.value()).toBe(a.value());
        expect(b.value()).toBe(exactSumScaled([...x, ...more]));
      }),
      params(105, 200),
    );
  });
});

// =============================================================================================
describe("Moments", () => {
  const build = (qs: readonly number[]): Moments => {
    const m = new Moments();
    for (const q of qs) m.update(q / SCALE);
    return m;
  };
  const stats = (m: Moments) => ({ count: m.count, sum: m.sum.value(), mean: m.mean, std: m.stdDev, min: m.min, max: m.max });
  /** Moderate spreads, and large offsets with a tiny spread (ill-conditioned: |x| ≫ σ). */
  const inputs = fc.oneof(
    fc.array(fixedQ, { maxLength: 60 }),
    fc
      .tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.array(fc.integer({ min: -64, max: 64 }), { maxLength: 60 }))
      .map(([base, ds]) => ds.map((d) => base + d)),
    fc
      .tuple(fc.integer({ min: 2 ** 29, max: 2 ** 30 }), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 8 }))
      .map(([base, ds]) => ds.map((d) => base + d)),
  );

  const stdTol = (qs: readonly number[], sigma: number, rel: number): number =>
    stdTolerance(
      qs.map((q) => q / SCALE),
      sigma,
      rel,
    );

  it("identity: merge(empty, a) and merge(a, empty) report a's statistics bit for bit", () => {
    fc.assert(
      fc.property(inputs, (qs) => {
        const a = build(qs);
        expect(stats(Moments.empty().merge(a))).toStrictEqual(stats(a));
        expect(stats(a.merge(Moments.empty()))).toStrictEqual(stats(a));
      }),
      params(201, 200),
    );
  });

  it("commutativity: bit for bit, including the running mean/M2 that later merges build on", () => {
    fc.assert(
      fc.property(inputs, inputs, inputs, (x, y, z) => {
        const a = build(x);
        const b = build(y);
        expect(stats(a.merge(b))).toStrictEqual(stats(b.merge(a)));
        // the state (less the exact sum's partials, whose layout may differ) is identical too,
        // so a further merge cannot tell the two apart
        const { sum: _ab, ...ab } = a.merge(b).serialize();
        const { sum: _ba, ...ba } = b.merge(a).serialize();
        expect(ab).toStrictEqual(ba);
        const c = build(z);
        expect(stats(a.merge(b).merge(c))).toStrictEqual(stats(b.merge(a).merge(c)));
      }),
      params(202, 200),
    );
  });

  it("associativity: count, sum, mean, min, max exact; std_dev within 1e-12 relative (+16 ulps of max|x|)", () => {
    fc.assert(
      fc.property(inputs, inputs, inputs, (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        const l = stats(a.merge(b).merge(c));
        const r = stats(a.merge(b.merge(c)));
        expect({ ...l, std: 0 }).toStrictEqual({ ...r, std: 0 });
        const all = [...x, ...y, ...z];
        if (all.length > 0) expect(Math.abs(l.std - r.std)).toBeLessThanOrEqual(stdTol(all, r.std, 1e-12));
        else expect(l.std).toBeNaN();
      }),
      params(203, 300),
    );
  });

  it("split/merge: equals one sketch over X; sum exact, mean and std_dev within 1e-9 of exact (σ: +16 ulps of max|x|)", () => {
    fc.assert(
      fc.property(inputs, cutsArb, (qs, cuts) => {
        const whole = stats(build(qs));
        const merged = stats(mergeAll(Moments.empty(), splitAt(qs, cuts).map(build)));
        const ex = exactMoments(qs);
        for (const s of [whole, merged]) {
          expect(s.count).toBe(qs.length);
          expect(s.sum).toBe(ex.sum);
          if (qs.length === 0) {
            expect(s.mean).toBeNaN();
            expect(s.std).toBeNaN();
            continue;
          }
          expect(s.min).toBe(Math.min(...qs) / SCALE);
          expect(s.max).toBe(Math.max(...qs) / SCALE);
          expect(relClose(s.mean, ex.mean, 1e-9)).toBe(true);
          expect(Math.abs(s.std - ex.std)).toBeLessThanOrEqual(stdTol(qs, ex.std, 1e-9));
        }
        // mean = exactly rounded sum / count: identical for both, whatever the merge order
        expect(merged.mean).toBe(whole.mean);
      }),
      params(204, 300),
    );
  });

  it("serialize → JSON → deserialize reproduces statistics and later behaviour", () => {
    fc.assert(
      fc.property(inputs, inputs, (x, more) => {
        const a = build(x);
        const b = Moments.deserialize(viaJson(a.serialize()));
        expect(stats(b)).toStrictEqual(stats(a));
        for (const q of more) {
          a.update(q / SCALE);
          b.update(q / SCALE);
        }
        expect(stats(b)).toStrictEqual(stats(a));
        // all state but the exact sum's partials (re-adding them on restore may regroup them,
        // which keeps their exact total) is identical
        const { sum: _sa, ...sa } = a.serialize();
        const { sum: _sb, ...sb } = b.serialize();
        expect(sb).toStrictEqual(sa);
      }),
      params(205, 200),
    );
  });
});

// =============================================================================================
describe("KllSketch", () => {
  const smallK = fc.constantFrom(4, 8, 16, 64, 2048);
  const values = fc.array(
    fixedQ.map((q) => q / SCALE),
    { maxLength: 400 },
  );
  /** Large seeded inputs for the accuracy properties (compaction happens at every k used). */
  const big = fc.record({
    k: fc.constantFrom(64, 128, 256, 512, 1024),
    shape: fc.constantFrom(...SHAPES),
    n: fc.integer({ min: 0, max: 50_000 }),
    seed: fc.nat(),
    cuts: cutsArb,
  });

  it("identity: merge(empty, a) and merge(a, empty) are a, level for level", () => {
    fc.assert(
      fc.property(smallK, values, (k, xs) => {
        const a = kllOf(xs, k);
        expect(KllSketch.empty(k).merge(a).serialize()).toStrictEqual(a.serialize());
        expect(a.merge(KllSketch.empty(k)).serialize()).toStrictEqual(a.serialize());
      }),
      params(301, 150),
    );
  });

  it("commutativity: merge(a, b) and merge(b, a) serialize identically (canonical operand order)", () => {
    fc.assert(
      fc.property(smallK, values, values, (k, x, y) => {
        const a = kllOf(x, k);
        const b = kllOf(y, k);
        expect(a.merge(b).serialize()).toStrictEqual(b.merge(a).serialize());
        expect(a.merge(b).count).toBe(x.length + y.length);
      }),
      params(302, 150),
    );
  });

  it("commutativity holds bit for bit when operands differ only in the sign of zeros", () => {
    // y is x with some zeros' signs flipped: the operands compare equal item by item (0 === −0),
    // which is exactly when the canonical order has to break the tie some other way.
    const pair = fc
      .array(fc.tuple(fc.constantFrom(0, -0, 1, -1, 2), fc.boolean()), { maxLength: 40 })
      .map((xs) => [xs.map(([v]) => v), xs.map(([v, flip]) => (v === 0 && flip ? -v : v))] as const);
    fc.assert(
      fc.property(fc.constantFrom(4, 2048), pair, (k, [x, y]) => {
        const a = kllOf(x, k);
        const b = kllOf(y, k);
        expect(a.merge(b).levels()).toStrictEqual(b.merge(a).levels());
        expect(a.merge(b).serialize()).toStrictEqual(b.merge(a).serialize());
      }),
      params(303, 200),
    );
  });

  /*
   * Associativity bound. Both groupings are KLL sketches of the same multiset, so
   * |rank̂_L − rank̂_R| ≤ err_L + err_R. Two bounds are checked:
   *   - deterministic: err ≤ Σ_h compactions[h]·2^h (lawSupport.kllHardBound), always true;
   *   - statistical: measured max |rank̂_L − rank̂_R| / n over 150–200 seeded cases per k
   *     (n ≤ 50k): 0.0168 @ k=64, 0.0143 @ 128, 0.0057 @ 256, 0.0032 @ 512, 0.0015 @ 1024,
   *     0.0009 @ 2048, i.e. at most 1.84/k. The test allows 3/k (k = 2048: 0.15 % of n, well
   *     inside the 1 % example).
   */
  it("associativity: ranks of every input value agree within the error bound", () => {
    fc.assert(
      fc.property(big, fc.nat(), fc.nat(), ({ k, shape, n, seed }, c1, c2) => {
        const xs = generate(shape, n, seed);
        const [p, q, r] = splitAt(xs, [c1, c2]) as [number[], number[], number[]];
        const [a, b, c] = [kllOf(p, k), kllOf(q, k), kllOf(r, k)];
        const left = a.merge(b).merge(c);
        const right = a.merge(b.merge(c));
        expect(left.count).toBe(n);
        expect(right.count).toBe(n);
        const diff = maxRankDifference(left, right, xs);
        expect(diff).toBeLessThanOrEqual(kllHardBound(left) + kllHardBound(right));
        expect(diff).toBeLessThanOrEqual((3 * n) / k);
      }),
      params(304, 40),
    );
  });

  it("split/merge: CDF of the merged parts is within max(1%, 5/k) of the exact empirical CDF", () => {
    fc.assert(
      fc.property(big, ({ k, shape, n, seed, cuts }) => {
        const xs = generate(shape, n, seed);
        const merged = mergeAll(
          KllSketch.empty(k),
          splitAt(xs, cuts).map((p) => kllOf(p, k)),
        );
        const whole = kllOf(xs, k);
        for (const s of [merged, whole]) {
          expect(s.count).toBe(n);
          const err = maxCdfError(s, xs);
          expect(err * n).toBeLessThanOrEqual(kllHardBound(s));
          expect(err).toBeLessThanOrEqual(kllCdfBound(k));
        }
        // every retained item is an input value
        const inputs = new Set(xs);
        for (const level of merged.levels()) for (const x of level) expect(inputs.has(x)).toBe(true);
      }),
      params(305, 40),
    );
  });

  it("split/merge with the default k = 2048 over 200,000 values: max |ΔCDF| ≤ 0.01", () => {
    for (const [shape, seed] of [
      ["uniform", 1],
      ["heavyTail", 2],
      ["ascending", 3],
    ] as const) {
      const n = 200_000;
      const xs = generate(shape, n, seed);
      const parts = splitAt(xs, [37_000, 90_001, 150_000, 151_000]);
      const merged = mergeAll(
        KllSketch.empty(),
        parts.map((p) => kllOf(p, 2048)),
      );
      expect(merged.count).toBe(n);
      expect(merged.levels().length).toBeGreaterThan(3); // compaction did happen
      expect(maxCdfError(merged, xs)).toBeLessThanOrEqual(0.01);
      expect(maxCdfError(kllOf(xs, 2048), xs)).toBeLessThanOrEqual(0.01);
    }
  });

  it("serialize → JSON → deserialize reproduces levels, ranks and later behaviour", () => {
    fc.assert(
      fc.property(smallK, values, values, (k, x, more) => {
        const a = kllOf(x, k);
        const b = KllSketch.deserialize(viaJson(a.serialize()));
        expect(b.serialize()).toStrictEqual(a.serialize());
        expect(b.toDistribution()).toStrictEqual(a.toDistribution());
        expect(b.retained).toBe(a.retained);
        for (const v of more) {
          a.update(v);
          b.update(v);
        }
        expect(b.serialize()).toStrictEqual(a.serialize());
        // and merging the restored copy behaves as merging the original
        const other = kllOf(more, k);
        expect(b.merge(other).serialize()).toStrictEqual(a.merge(other).serialize());
      }),
      params(306, 150),
    );
  });
});

// =============================================================================================
describe("HyperLogLog", () => {
  const precision = fc.constantFrom(4, 10, 14);
  const strings = fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer().map(String)), { maxLength: 300 });
  /** Registers as one string: toStrictEqual on a 16 KiB Uint8Array is needlessly slow. */
  const regs = (h: HyperLogLog): string => Buffer.from(h.registers).toString("base64");
  const build = (p: number, xs: readonly string[]): HyperLogLog => {
    const h = new HyperLogLog(p);
    for (const x of xs) h.add(x);
    return h;
  };

  it("identity: registers and estimate of a", () => {
    fc.assert(
      fc.property(precision, strings, (p, xs) => {
        const a = build(p, xs);
        for (const m of [HyperLogLog.empty(p).merge(a), a.merge(HyperLogLog.empty(p))]) {
          expect(regs(m)).toBe(regs(a));
          expect(m.estimate()).toBe(a.estimate());
        }
      }),
      params(401, 100),
    );
  });

  it("commutativity: identical registers and serialize()", () => {
    fc.assert(
      fc.property(precision, strings, strings, (p, x, y) => {
        const a = build(p, x);
        const b = build(p, y);
        expect(a.merge(b).serialize()).toStrictEqual(b.merge(a).serialize());
        expect(a.merge(b).estimate()).toBe(b.merge(a).estimate());
      }),
      params(402, 100),
    );
  });

  it("associativity: identical registers and estimate", () => {
    fc.assert(
      fc.property(precision, strings, strings, strings, (p, x, y, z) => {
        const [a, b, c] = [build(p, x), build(p, y), build(p, z)];
        const l = a.merge(b).merge(c);
        const r = a.merge(b.merge(c));
        expect(regs(l)).toBe(regs(r));
        expect(l.estimate()).toBe(r.estimate());
      }),
      params(403, 100),
    );
  });

  it("split/merge: the merged parts have the whole input's registers, so the same estimate", () => {
    fc.assert(
      fc.property(precision, strings, cutsArb, (p, xs, cuts) => {
        const whole = build(p, xs);
        const merged = mergeAll(
          HyperLogLog.empty(p),
          splitAt(xs, cuts).map((part) => build(p, part)),
        );
        expect(regs(merged)).toBe(regs(whole));
        expect(merged.estimate()).toBe(whole.estimate());
      }),
      params(404, 100),
    );
  });

  it("split/merge over 50,000 seeded values is exact too", () => {
    fc.assert(
      fc.property(fc.nat(), cutsArb, (seed, cuts) => {
        const r = prng(seed);
        const xs = Array.from({ length: 50_000 }, () => `id-${Math.floor(r() * 30_000)}`);
        const whole = build(14, xs);
        const merged = mergeAll(
          HyperLogLog.empty(14),
          splitAt(xs, cuts).map((part) => build(14, part)),
        );
        expect(merged.estimate()).toBe(whole.estimate());
        expect(Math.abs(whole.estimate() / new Set(xs).size - 1)).toBeLessThan(0.03);
      }),
      params(405, 5),
    );
  });

  it("serialize → JSON → deserialize reproduces registers and later behaviour", () => {
    fc.assert(
      fc.property(precision, strings, strings, (p, x, more) => {
        const a = build(p, x);
        const b = HyperLogLog.deserialize(viaJson(a.serialize()));
        expect(b.precision).toBe(p);
        expect(regs(b)).toBe(regs(a));
        expect(b.estimate()).toBe(a.estimate());
        for (const s of more) {
          a.add(s);
          b.add(s);
        }
        expect(b.serialize()).toStrictEqual(a.serialize());
      }),
      params(406, 100),
    );
  });
});

// =============================================================================================
describe("BoundedExactCounts", () => {
  const cap = fc.constantFrom(1, 2, 3, 5, 8, 50);
  const items = fc.array(fc.oneof(fc.constantFrom("1", "2", "3"), fc.integer({ min: 0, max: 60 }).map(String)), { maxLength: 150 });
  const build = (c: number, xs: readonly string[]): BoundedExactCounts => {
    const s = new BoundedExactCounts(c);
    for (const x of xs) s.add(x);
    return s;
  };
  const read = (s: BoundedExactCounts) => JSON.stringify(s.serialize());
  /** Exact counts of every value while distinct ≤ cap; only the total once over. */
  const expected = (c: number, xs: readonly string[]): string => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    if (m.size > c) return JSON.stringify({ v: 1, cap: c, total: xs.length, counts: null });
    // serialized grouped by count (descending), values in code unit order within a group
    const byCount = [...new Set(m.values())].sort((a, b) => b - a).map((n) => [n, [...m.keys()].filter((k) => m.get(k) === n).sort()]);
    return JSON.stringify({ v: 1, cap: c, total: xs.length, by_count: byCount });
  };

  it("identity, commutativity and associativity hold bit for bit", () => {
    fc.assert(
      fc.property(cap, items, items, items, (c, xs, ys, zs) => {
        const [a, b, d] = [build(c, xs), build(c, ys), build(c, zs)];
        expect(read(a.merge(BoundedExactCounts.empty(c)))).toBe(read(a));
        expect(read(BoundedExactCounts.empty(c).merge(a))).toBe(read(a));
        expect(read(a.merge(b))).toBe(read(b.merge(a)));
        expect(read(a.merge(b).merge(d))).toBe(read(a.merge(b.merge(d))));
      }),
      params(900, 300),
    );
  });

  it("split/merge: the merged parts equal one sketch over X, which is exact (or overflowed) as X says", () => {
    fc.assert(
      fc.property(cap, items, cutsArb, (c, xs, cuts) => {
        const merged = splitAt(xs, cuts)
          .map((part) => build(c, part))
          .reduce((acc, p) => acc.merge(p), BoundedExactCounts.empty(c));
        expect(read(merged)).toBe(read(build(c, xs)));
        expect(read(merged)).toBe(expected(c, xs));
      }),
      params(901, 300),
    );
  });

  it("serialize → JSON → deserialize reproduces the state and later behaviour", () => {
    fc.assert(
      fc.property(cap, items, items, (c, xs, ys) => {
        const a = build(c, xs);
        const b = BoundedExactCounts.deserialize(viaJson(a.serialize()));
        expect(read(b)).toBe(read(a));
        for (const y of ys) {
          a.add(y);
          b.add(y);
        }
        expect(read(b)).toBe(read(a));
      }),
      params(902, 200),
    );
  });
});

describe("CategoryCounts", () => {
  const cap = fc.constantFrom(1, 2, 3, 5, 8, 50);
  /** Small alphabets stay under the cap, larger ones go over it; skewed so heavy hitters exist. */
  const items = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("a", "b", "c") },
      { weight: 2, arbitrary: fc.string({ maxLength: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 200 }).map(String) },
    ),
    { maxLength: 200 },
  );
  const build = (c: number, xs: readonly string[]): CategoryCounts => {
    const s = new CategoryCounts(c);
    for (const x of xs) s.add(x);
    return s;
  };
  const truth = (xs: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const read = (s: CategoryCounts) => ({ ...s.summary(), total: s.total });
  /** Every reported count f̂ within [f − N/(cap+1), f]; unreported values have f ≤ N/(cap+1). */
  const expectMisraGries = (s: CategoryCounts, xs: readonly string[]): void => {
    const f = truth(xs);
    const bound = xs.length / (s.cap + 1);
    const reported = new Map(s.summary().buckets);
    expect(reported.size).toBeLessThanOrEqual(s.cap);
    for (const [v, c] of f) {
      const est = reported.get(v) ?? 0;
      expect(est).toBeLessThanOrEqual(c);
      expect(est).toBeGreaterThanOrEqual(c - bound);
    }
    for (const v of reported.keys()) expect(f.has(v)).toBe(true);
  };

  it("identity: merge(empty, a) and merge(a, empty) report a's summary", () => {
    fc.assert(
      fc.property(cap, items, (c, xs) => {
        const a = build(c, xs);
        expect(read(CategoryCounts.empty(c).merge(a))).toStrictEqual(read(a));
        expect(read(a.merge(CategoryCounts.empty(c)))).toStrictEqual(read(a));
      }),
      params(501, 200),
    );
  });

  it("commutativity: identical summaries and serialize()", () => {
    fc.assert(
      fc.property(cap, items, items, (c, x, y) => {
        const a = build(c, x);
        const b = build(c, y);
        expect(a.merge(b).serialize()).toStrictEqual(b.merge(a).serialize());
        expect(read(a.merge(b))).toStrictEqual(read(b.merge(a)));
      }),
      params(502, 200),
    );
  });

  it("associativity: exact while the union is within the cap, else within N/(cap+1)", () => {
    fc.assert(
      fc.property(cap, items, items, items, (c, x, y, z) => {
        const [a, b, cc] = [build(c, x), build(c, y), build(c, z)];
        const l = a.merge(b).merge(cc);
        const r = a.merge(b.merge(cc));
        const all = [...x, ...y, ...z];
        expect(l.total).toBe(all.length);
        expect(r.total).toBe(all.length);
        const distinct = truth(all).size;
        expect(l.exact).toBe(distinct <= c);
        expect(r.exact).toBe(distinct <= c);
        if (distinct <= c) {
          expect(read(l)).toStrictEqual(read(r));
          expect(new Map(l.summary().buckets)).toStrictEqual(truth(all));
        } else {
          const lm = new Map(l.summary().buckets);
          const rm = new Map(r.summary().buckets);
          for (const v of new Set([...lm.keys(), ...rm.keys()])) {
            expect(Math.abs((lm.get(v) ?? 0) - (rm.get(v) ?? 0))).toBeLessThanOrEqual(all.length / (c + 1));
          }
          expectMisraGries(l, all);
          expectMisraGries(r, all);
        }
      }),
      params(503, 300),
    );
  });

  it("split/merge: exact counts while distinct ≤ cap, else the Misra–Gries bound", () => {
    fc.assert(
      fc.property(cap, items, cutsArb, (c, xs, cuts) => {
        const merged = mergeAll(
          CategoryCounts.empty(c),
          splitAt(xs, cuts).map((p) => build(c, p)),
        );
        const whole = build(c, xs);
        const f = truth(xs);
        for (const s of [merged, whole]) {
          expect(s.total).toBe(xs.length);
          const { buckets, rest, exact } = s.summary();
          expect(exact).toBe(f.size <= c);
          expect(rest).toBe(xs.length - buckets.reduce((acc, [, n]) => acc + n, 0));
          if (exact) {
            expect(new Map(buckets)).toStrictEqual(f);
            expect(rest).toBe(0);
          } else expectMisraGries(s, xs);
        }
        if (f.size <= c) expect(read(merged)).toStrictEqual(read(whole));
      }),
      params(504, 300),
    );
  });

  it("serialize → JSON → deserialize reproduces the summary and later behaviour", () => {
    fc.assert(
      fc.property(cap, items, items, (c, x, more) => {
        const a = build(c, x);
        const b = CategoryCounts.deserialize(viaJson(a.serialize()));
        expect(read(b)).toStrictEqual(read(a));
        for (const v of more) {
          a.add(v);
          b.add(v);
        }
        expect(b.serialize()).toStrictEqual(a.serialize());
        expect(read(b)).toStrictEqual(read(a));
      }),
      params(505, 200),
    );
  });
});

// =============================================================================================
// Profiles: random raw values of every kind. Small sketch parameters so that KLL compacts (k = 64),
// categories go approximate (cap = 12) and HLL merges are cheap (p = 10).

const OPTS: SketchOptions = { category_cap: 12, kll_k: 64, kll_c: 0.64 };

const rawValue: fc.Arbitrary<RawValue> = fc.oneof(
  fc.constantFrom<RawValue>("", "  ", "true", "false", "NaN", "1e400", "- 7", "+3", "1.5e3", "abc", "1.", null, undefined),
  fixedQ.map((q) => String(q / SCALE)),
  fc.integer({ min: -20, max: 20 }).map(String),
  fixedQ.map((q) => q / SCALE),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constantFrom<RawValue>({ a: 1 }, [1, 2], Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 2 }),
);
/** Numeric-only columns, so profiles with Integral/Fractional types are common. */
const numericValue: fc.Arbitrary<RawValue> = fc.oneof(
  fixedQ.map((q) => q / SCALE),
  fc.integer({ min: -9, max: 9 }).map(String),
);
const column = fc.oneof(fc.array(rawValue, { maxLength: 80 }), fc.array(numericValue, { maxLength: 160 }));

/** The finite numbers a FeatureProfile feeds to moments/KLL for these raw values. */
function numericValues(vs: readonly RawValue[]): number[] {
  const out: number[] = [];
  for (const v of vs) {
    const kind = typeof v === "string" ? classifyString(v) : classifyRaw(v);
    if (kind !== ValueKind.Integral && kind !== ValueKind.Fractional) continue;
    const x = typeof v === "string" ? parseNumeric(v) : (v as number);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}

function featureOf(vs: readonly RawValue[], name = "f"): FeatureProfile {
  const f = new FeatureProfile(name, OPTS);
  for (const v of vs) f.update(v);
  return f;
}

type Json = Record<string, unknown>;

/**
 * Splits a featureStatistics() document into the part that must match exactly and the approximate
 * parts (std_dev; the KLL buckets/sketch; the categorical buckets of a non-exact summary).
 */
function exactPart(stats: Json, categoriesExact: boolean): Json {
  const copy = structuredClone(stats);
  const num = copy["numerical_statistics"] as Json | undefined;
  if (num !== undefined) {
    delete num["std_dev"];
    delete num["distribution"];
  }
  const str = copy["string_statistics"] as Json | undefined;
  if (str !== undefined && !categoriesExact) delete str["distribution"];
  return copy;
}

/** Read-side comparison of two FeatureProfiles over the same multiset of values. */
function expectSameFeature(l: FeatureProfile, r: FeatureProfile, vs: readonly RawValue[], itemCount: number): void {
  const sl = featureStatistics(l, itemCount);
  const sr = featureStatistics(r, itemCount);
  expect(l.categories.exact).toBe(r.categories.exact);
  expect(exactPart(sl, l.categories.exact)).toStrictEqual(exactPart(sr, r.categories.exact));
  expect(Array.from(l.kinds)).toStrictEqual(Array.from(r.kinds));
  expect(l.nonFinite).toBe(r.nonFinite);
  expect(Buffer.from(l.hll.registers).equals(Buffer.from(r.hll.registers))).toBe(true);
  // moments: exact parts equal; σ to rounding (see Moments above)
  expect(l.moments.count).toBe(r.moments.count);
  expect(l.moments.mean).toBe(r.moments.mean);
  const nums = numericValues(vs);
  if (nums.length > 0) expect(Math.abs(l.moments.stdDev - r.moments.stdDev)).toBeLessThanOrEqual(stdTolerance(nums, r.moments.stdDev, 1e-12));
  // KLL: both within the k = 64 bound of the truth
  expect(l.kll.count).toBe(nums.length);
  expect(r.kll.count).toBe(nums.length);
  expect(maxCdfError(l.kll, nums)).toBeLessThanOrEqual(kllCdfBound(OPTS.kll_k));
  expect(maxCdfError(r.kll, nums)).toBeLessThanOrEqual(kllCdfBound(OPTS.kll_k));
  // categories: Misra–Gries bound between the two when approximate
  if (!l.categories.exact) {
    const lm = new Map(l.categories.summary().buckets);
    const rm = new Map(r.categories.summary().buckets);
    const n = l.categories.total;
    for (const v of new Set([...lm.keys(), ...rm.keys()])) {
      expect(Math.abs((lm.get(v) ?? 0) - (rm.get(v) ?? 0))).toBeLessThanOrEqual(n / (OPTS.category_cap + 1));
    }
  }
}

describe("FeatureProfile", () => {
  it("identity: featureStatistics of merge(empty, a) and merge(a, empty) equal a's, bit for bit", () => {
    fc.assert(
      fc.property(column, fc.nat(10), (vs, extra) => {
        const a = featureOf(vs);
        const n = vs.length + extra;
        for (const m of [FeatureProfile.empty("f", OPTS).merge(a), a.merge(FeatureProfile.empty("f", OPTS))]) {
          expect(featureStatistics(m, n)).toStrictEqual(featureStatistics(a, n));
          expect(Array.from(m.kinds)).toStrictEqual(Array.from(a.kinds));
          expect(m.nonFinite).toBe(a.nonFinite);
        }
      }),
      params(601, 100),
    );
  });

  it("commutativity: featureStatistics and the KLL/HLL/category states are bit-identical", () => {
    fc.assert(
      fc.property(column, column, (x, y) => {
        const a = featureOf(x);
        const b = featureOf(y);
        const ab = a.merge(b);
        const ba = b.merge(a);
        const n = x.length + y.length;
        expect(featureStatistics(ab, n)).toStrictEqual(featureStatistics(ba, n));
        expect(ab.kll.serialize()).toStrictEqual(ba.kll.serialize());
        expect(ab.hll.serialize()).toStrictEqual(ba.hll.serialize());
        expect(ab.categories.serialize()).toStrictEqual(ba.categories.serialize());
        expect(Array.from(ab.kinds)).toStrictEqual(Array.from(ba.kinds));
      }),
      params(602, 100),
    );
  });

  it("associativity: exact parts equal, approximate parts within their bounds", () => {
    fc.assert(
      fc.property(column, column, column, (x, y, z) => {
        const [a, b, c] = [featureOf(x), featureOf(y), featureOf(z)];
        const all = [...x, ...y, ...z];
        expectSameFeature(a.merge(b).merge(c), a.merge(b.merge(c)), all, all.length);
      }),
      params(603, 100),
    );
  });

  it("split/merge: the merged parts report what one profile over X reports", () => {
    fc.assert(
      fc.property(column, cutsArb, (vs, cuts) => {
        const whole = featureOf(vs);
        const merged = mergeAll(
          FeatureProfile.empty("f", OPTS),
          splitAt(vs, cuts).map((p) => featureOf(p)),
        );
        expectSameFeature(merged, whole, vs, vs.length);
        const nums = numericValues(vs);
        expect(merged.moments.sum.value()).toBe(exactSumScaledOfNumbers(nums));
      }),
      params(604, 150),
    );
  });

  it("serialize → JSON → deserialize reproduces statistics and later behaviour", () => {
    fc.assert(
      fc.property(column, column, (vs, more) => {
        const a = featureOf(vs);
        const b = FeatureProfile.deserialize(viaJson(a.serialize()));
        const n = vs.length;
        expect(featureStatistics(b, n)).toStrictEqual(featureStatistics(a, n));
        expect(b.options).toStrictEqual(a.options);
        for (const v of more) {
          a.update(v);
          b.update(v);
        }
        const n2 = vs.length + more.length;
        expect(featureStatistics(b, n2)).toStrictEqual(featureStatistics(a, n2));
        expect(Array.from(b.kinds)).toStrictEqual(Array.from(a.kinds));
        expect(b.nonFinite).toBe(a.nonFinite);
      }),
      params(605, 100),
    );
  });
});

/** Exact sum of arbitrary fixed-point doubles (every numeric test value is a multiple of 1/1024). */
function exactSumScaledOfNumbers(xs: readonly number[]): number {
  return exactSumScaled(xs.map((x) => BigInt(x * SCALE)));
}

// =============================================================================================
describe("DatasetProfile", () => {
  const NAMES = ["a", "b", "c", "d", "e"] as const;
  const row = fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(rawValue, numericValue), { maxKeys: 5 });
  const rows = fc.array(row, { maxLength: 60 });
  const build = (rs: readonly Record<string, RawValue>[]): DatasetProfile => {
    const p = new DatasetProfile(OPTS);
    for (const r of rs) p.addObjectRow(r);
    return p;
  };
  const columnOf = (rs: readonly Record<string, RawValue>[], name: string): RawValue[] =>
    rs.filter((r) => Object.prototype.hasOwnProperty.call(r, name)).map((r) => r[name]);
  const firstSeen = (rs: readonly Record<string, RawValue>[]): string[] => {
    const seen: string[] = [];
    for (const r of rs) for (const k of Object.keys(r)) if (!seen.includes(k)) seen.push(k);
    return seen;
  };
  const expectSameProfile = (l: DatasetProfile, r: DatasetProfile, rs: readonly Record<string, RawValue>[]): void => {
    expect(l.itemCount).toBe(rs.length);
    expect(r.itemCount).toBe(rs.length);
    expect([...l.features.keys()]).toStrictEqual([...r.features.keys()]);
    for (const [name, f] of l.features) expectSameFeature(f, r.features.get(name) as FeatureProfile, columnOf(rs, name), rs.length);
  };

  it("identity: toStatistics of merge(empty, a) and merge(a, empty) equal a's", () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const a = build(rs);
        expect(toStatistics(DatasetProfile.empty(OPTS).merge(a))).toStrictEqual(toStatistics(a));
        expect(toStatistics(a.merge(DatasetProfile.empty(OPTS)))).toStrictEqual(toStatistics(a));
      }),
      params(701, 100),
    );
  });

  it("commutativity: same features with bit-identical statistics; order is the left operand's first", () => {
    fc.assert(
      fc.property(rows, rows, (x, y) => {
        const a = build(x);
        const b = build(y);
        const ab = a.merge(b);
        const ba = b.merge(a);
        const byName = (p: DatasetProfile): Map<string, unknown> => {
          const stats = toStatistics(p)["features"] as Json[];
          return new Map(stats.map((f) => [f["name"] as string, f]));
        };
        expect(ab.itemCount).toBe(ba.itemCount);
        expect(byName(ab)).toStrictEqual(byName(ba));
        // documented: merge keeps the left operand's order and appends the right one's new features
        expect([...ab.features.keys()]).toStrictEqual(firstSeen([...x, ...y]));
        expect([...ba.features.keys()]).toStrictEqual(firstSeen([...y, ...x]));
      }),
      params(702, 100),
    );
  });

  it("associativity: same feature order, exact parts equal, approximate parts within bounds", () => {
    fc.assert(
      fc.property(rows, rows, rows, (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        expectSameProfile(a.merge(b).merge(c), a.merge(b.merge(c)), [...x, ...y, ...z]);
      }),
      params(703, 60),
    );
  });

  it("split/merge: merged parts report what one profile over X reports (order, num_missing, …)", () => {
    fc.assert(
      fc.property(rows, cutsArb, (rs, cuts) => {
        const whole = build(rs);
        const merged = mergeAll(DatasetProfile.empty(OPTS), splitAt(rs, cuts).map(build));
        expectSameProfile(merged, whole, rs);
        expect([...merged.features.keys()]).toStrictEqual(firstSeen(rs));
        const stats = toStatistics(merged)["features"] as Json[];
        for (const f of stats) {
          const body = (f["numerical_statistics"] ?? f["string_statistics"]) as Json;
          const common = body["common"] as { num_present: number; num_missing: number };
          const present = columnOf(rs, f["name"] as string).filter((v) => classifyRaw(v) !== ValueKind.Missing).length;
          expect(common).toStrictEqual({ num_present: present, num_missing: rs.length - present });
        }
      }),
      params(704, 100),
    );
  });

  it("serialize → JSON → deserialize reproduces toStatistics and later behaviour", () => {
    fc.assert(
      fc.property(rows, rows, (rs, more) => {
        const a = build(rs);
        const b = DatasetProfile.deserialize(viaJson(a.serialize()));
        expect(toStatistics(b)).toStrictEqual(toStatistics(a));
        expect(b.options).toStrictEqual(a.options);
        for (const r of more) {
          a.addObjectRow(r);
          b.addObjectRow(r);
        }
        expect(toStatistics(b)).toStrictEqual(toStatistics(a));
      }),
      params(705, 100),
    );
  });
});
