import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { KllSketch, WeightedDistribution, type KllState } from "../../src/sketches/kllSketch.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { kllOf, maxCdfError, prng } from "../laws/lawSupport.js";

/** Deequ's capacity(height), written independently: 2·(ceil(k·c^h / 2) + 1). */
function capacity(k: number, c: number, h: number): number {
  return 2 * (Math.ceil((k * Math.pow(c, h)) / 2) + 1);
}

function lengths(s: KllSketch): number[] {
  return s.levels().map((l) => l.length);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("KllSketch level capacities", () => {
  it("are 2·(ceil(k·c^h/2)+1): 2050, 1314, 842, … for k = 2048, c = 0.64; 6, 6, 4, 4 for k = 4", () => {
    expect(range(0, 11).map((h) => capacity(2048, 0.64, h))).toEqual([2050, 1314, 842, 540, 346, 222, 144, 94, 60, 40, 26, 18]);
    expect(range(0, 4).map((h) => capacity(4, 0.64, h))).toEqual([6, 6, 4, 4, 4]);
  });

  it("level 0 holds 2050 items for k = 2048; the 2051st update compacts it into level 1", () => {
    const s = new KllSketch();
    for (let i = 0; i < 2050; i++) s.update(i);
    expect(lengths(s)).toEqual([2050]);
    expect(s.retained).toBe(2050);
    s.update(2050);
    // 2051 items: the first 2050 sorted, every second from offset 0 moves up, the odd last one stays
    expect(lengths(s)).toEqual([1, 1025]);
    expect(s.levels()[0]).toEqual([2050]);
    expect(s.levels()[1]).toEqual(range(0, 1024).map((i) => 2 * i));
    expect(s.count).toBe(2051);
  });

  it("compacts the lowest level at or over its capacity, only when the total capacity is exceeded", () => {
    // A model check over many updates: on every compaction, compare the levels before and after
    // with what the invariants (capacities above, lazy condense, halving) say must happen.
    for (const [k, n] of [
      [16, 60_000],
      [2048, 300_000],
    ] as const) {
      const c = 0.64;
      const s = new KllSketch(k, c);
      const r = prng(k);
      let lens = [0];
      let retained = 0;
      let compactions = 0;
      for (let i = 0; i < n; i++) {
        s.update(Math.floor(r() * 1e6));
        const pre = lens.slice();
        pre[0] = (pre[0] as number) + 1;
        if (s.retained === retained + 1) {
          lens = pre;
          retained++;
          continue;
        }
        compactions++;
        // condense runs only once the items exceed the summed capacity of the existing levels
        const capTotal = pre.reduce((a, _len, i2) => a + capacity(k, c, i2), 0);
        expect(retained + 1).toBeGreaterThan(capTotal);
        const h = pre.findIndex((len, i2) => len >= capacity(k, c, i2));
        expect(h).toBeGreaterThanOrEqual(0);
        const expected = pre.slice();
        if (h + 1 >= expected.length) expected.push(0);
        const moved = Math.floor((pre[h] as number) / 2);
        expected[h] = (pre[h] as number) % 2;
        expected[h + 1] = (expected[h + 1] as number) + moved;
        lens = lengths(s);
        expect(lens).toEqual(expected);
        retained = s.retained;
        expect(retained).toBe(lens.reduce((a, b) => a + b, 0));
      }
      expect(compactions).toBeGreaterThan(10);
      expect(s.count).toBe(n);
    }
  });
});

describe("KllSketch compaction by hand (k = 4: capacities 6, 6, 4, 4)", () => {
  it("sorts the even prefix, emits every second item from the offset, keeps the odd last item", () => {
    const s = kllOf([5, 3, 9, 1, 7, 2, 8], 4);
    // prefix [5,3,9,1,7,2] sorted → [1,2,3,5,7,9]; offset 0 → 1, 3, 7; 8 (the last inserted) stays
    expect(s.levels()).toEqual([[8], [1, 3, 7]]);
    expect(s.serialize().compactions).toEqual([1, 0]);
    expect(s.count).toBe(7);
  });

  it("uses the offset sequence 0, 1, 1, 0, 0, 1 on successive compactions of a level", () => {
    const s = new KllSketch(4);
    const snapshots = new Map<number, { levels: number[][]; compactions: number[] }>();
    for (let i = 1; i <= 54; i++) {
      s.update(i);
      const st = s.serialize();
      snapshots.set(i, { levels: st.levels, compactions: st.compactions });
    }
    const at = (i: number) => snapshots.get(i);
    // level 0, compaction 1 (offset 0): [1..6] → 1,3,5; 7 stays
    expect(at(7)).toEqual({ levels: [[7], [1, 3, 5]], compactions: [1, 0] });
    // level 0, compaction 2 (offset 1): [7..16] → 8,10,12,14,16
    expect(at(16)).toEqual({ levels: [[], [1, 3, 5, 8, 10, 12, 14, 16]], compactions: [2, 0] });
    // level 1 (8 ≥ 6) compacts first when level 0 (5 < 6) is under capacity; offset 0
    expect(at(21)).toEqual({ levels: [range(17, 21), [], [1, 5, 10, 14]], compactions: [2, 1, 0] });
    // level 0, compaction 3 (offset 1): [17..28] → 18,…,28; 29 stays
    expect(at(29)).toEqual({ levels: [[29], [18, 20, 22, 24, 26, 28], [1, 5, 10, 14]], compactions: [3, 1, 0] });
    // level 0, compaction 4 (offset 0): [29..34] → 29,31,33; 35 stays
    expect(at(35)).toEqual({
      levels: [[35], [18, 20, 22, 24, 26, 28, 29, 31, 33], [1, 5, 10, 14]],
      compactions: [4, 1, 0],
    });
    // level 1, compaction 2 (offset 1): [18,…,31] → 20,24,28,31; 33 stays
    expect(at(38)).toEqual({
      levels: [[35, 36, 37, 38], [33], [1, 5, 10, 14, 20, 24, 28, 31]],
      compactions: [4, 2, 0],
    });
    // level 0, compaction 5 (offset 0): [35..42] → 35,37,39,41
    expect(at(42)).toEqual({ levels: [[], [33, 35, 37, 39, 41], [1, 5, 10, 14, 20, 24, 28, 31]], compactions: [5, 2, 0] });
    // level 2 (8 ≥ 4), compaction 1 (offset 0) → level 3
    expect(at(46)).toEqual({ levels: [range(43, 46), [33, 35, 37, 39, 41], [], [1, 10, 20, 28]], compactions: [5, 2, 1, 0] });
    // level 0, compaction 6 (offset 1): [43..54] → 44,46,…,54
    expect(at(54)).toEqual({
      levels: [[], [33, 35, 37, 39, 41, 44, 46, 48, 50, 52, 54], [], [1, 10, 20, 28]],
      compactions: [6, 2, 1, 0],
    });
    expect(s.count).toBe(54);
  });

  it("continues a level's offset sequence after merge (compaction counts add)", () => {
    // a's level 0 has compacted once, b's once: the merged level 0's next compaction is its third (offset 1)
    const a = kllOf(range(1, 7), 4); // [[7],[1,3,5]]
    const b = kllOf(range(101, 107), 4); // [[107],[101,103,105]]
    const m = a.merge(b);
    expect(m.serialize().compactions).toEqual([2, 0]);
    expect(m.levels()).toEqual([
      [7, 107],
      [1, 3, 5, 101, 103, 105],
    ]);
    for (const x of [8, 9, 10, 11]) m.update(x); // size 12 = capacity 12: no compaction yet
    expect(m.levels()[0]).toEqual([7, 107, 8, 9, 10, 11]);
    m.update(12); // 13 > 12: level 0 (7 ≥ 6) compacts with offset 1: sorted [7,8,9,10,11,107] → 8,10,107
    expect(m.levels()).toEqual([[12], [1, 3, 5, 101, 103, 105, 8, 10, 107]]);
  });
});

describe("KllSketch size and determinism", () => {
  it("keeps retained items bounded by the summed capacities over 10^6 inserts, and is accurate", () => {
    const s = new KllSketch();
    const r = prng(7);
    const xs = new Float64Array(1_000_000);
    let maxRetained = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = Math.floor(r() * 1e9) / 1024;
      xs[i] = x;
      s.update(x);
      if (s.retained > maxRetained) maxRetained = s.retained;
    }
    const levels = s.levels().length;
    const bound = range(0, levels - 1).reduce((a, h) => a + capacity(2048, 0.64, h), 0);
    expect(s.retained).toBeLessThanOrEqual(bound);
    expect(maxRetained).toBeLessThanOrEqual(bound);
    expect(maxRetained).toBeLessThan(6000); // the first 12 capacities for k = 2048 sum to 5,696
    expect(levels).toBeLessThanOrEqual(12);
    expect(s.count).toBe(1_000_000);
    expect(maxCdfError(s, Array.from(xs))).toBeLessThanOrEqual(0.005); // measured 0.0019
  });

  it("is deterministic: the same inputs in the same order give the same levels, bit for bit", () => {
    const run = (): KllState => {
      const r = prng(99);
      const s = new KllSketch(256);
      for (let i = 0; i < 100_000; i++) s.update(r() * 100 - 50);
      return s.serialize();
    };
    const a = run();
    expect(run()).toStrictEqual(a);
    expect(a.levels.length).toBeGreaterThan(5);
  });

  it("returns copies from levels() and keeps its inputs untouched in merge", () => {
    const a = kllOf([3, 1, 2], 2048);
    const l = a.levels();
    (l[0] as number[]).push(99);
    expect(a.levels()).toEqual([[3, 1, 2]]);
    const b = kllOf([5], 2048);
    const before = [a.serialize(), b.serialize()];
    a.merge(b);
    expect([a.serialize(), b.serialize()]).toEqual(before);
  });

  it("validates parameters", () => {
    expect(() => new KllSketch(1)).toThrow(RangeError);
    expect(() => new KllSketch(10.5)).toThrow(RangeError);
    expect(() => new KllSketch(2048, 0)).toThrow(RangeError);
    expect(() => new KllSketch(2048, 1.5)).toThrow(RangeError);
    expect(() => new KllSketch(2048, Number.NaN)).toThrow(RangeError);
    expect(() => new KllSketch(64).merge(new KllSketch(128))).toThrow(/different parameters/);
    expect(() => new KllSketch(64, 0.5).merge(new KllSketch(64, 0.64))).toThrow(RangeError);
  });
});

describe("WeightedDistribution", () => {
  // level 0: 3, 1 (weight 1); level 1: 2 (weight 2); level 2: 5 (weight 4) → 1:1, 2:2, 3:1, 5:4
  const d = WeightedDistribution.fromLevels([[3, 1], [2], [5]]);

  it("weighs level i by 2^i and sorts by value", () => {
    expect(Array.from(d.values)).toEqual([1, 2, 3, 5]);
    expect(Array.from(d.cumulative)).toEqual([1, 3, 4, 8]);
    expect(d.total).toBe(8);
    expect(WeightedDistribution.fromLevels([[], [], [], [7]]).total).toBe(8);
    expect(WeightedDistribution.fromLevels([[]]).total).toBe(0);
  });

  it("rank (≤ x), rankExclusive (< x) and cdf on a hand example", () => {
    expect([0, 1, 1.5, 2, 3, 4, 5, 6].map((x) => d.rank(x))).toEqual([0, 1, 1, 3, 4, 4, 8, 8]);
    expect([0, 1, 1.5, 2, 3, 4, 5, 6].map((x) => d.rankExclusive(x))).toEqual([0, 0, 1, 1, 3, 4, 4, 8]);
    expect(d.cdf(2)).toBe(3 / 8);
    expect(d.cdf(4.9)).toBe(0.5);
    expect(d.cdf(5)).toBe(1);
    expect(d.cdf(-Infinity)).toBe(0);
    expect(WeightedDistribution.fromLevels([[]]).cdf(1)).toBe(0);
  });

  it("merges equal values across levels into one step", () => {
    const e = WeightedDistribution.fromLevels([[2, 2], [2], [1]]);
    expect(Array.from(e.values)).toEqual([1, 2]);
    expect(Array.from(e.cumulative)).toEqual([4, 8]);
    expect(e.rank(2)).toBe(8);
    expect(e.rankExclusive(2)).toBe(4);
  });

  it("is what toDistribution() of a sketch returns", () => {
    const s = kllOf(range(1, 7), 4); // [[7],[1,3,5]]
    const dist = s.toDistribution();
    expect(Array.from(dist.values)).toEqual([1, 3, 5, 7]);
    expect(Array.from(dist.cumulative)).toEqual([2, 4, 6, 7]);
    expect(dist.rank(4)).toBe(4); // exact rank of 4 in 1..7 is 4
  });
});

describe("KllSketch.deserialize", () => {
  const good = (): Record<string, unknown> => ({ v: 1, k: 4, c: 0.64, levels: [[7], [1, 3, 5]], compactions: [1, 0] });

  it("restores a valid state", () => {
    const s = KllSketch.deserialize(good());
    expect(s.levels()).toEqual([[7], [1, 3, 5]]);
    expect(s.count).toBe(7);
    expect(s.retained).toBe(4);
    expect(s.k).toBe(4);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["not an object", [1, 2], /expected an object/],
    ["null", null, /expected an object/],
    ["another version", { ...good(), v: 2 }, /unsupported version 2/],
    ["no version", { ...good(), v: undefined }, /unsupported version undefined/],
    ["k missing", { ...good(), k: undefined }, /k and c must be numbers/],
    ["k not an integer ≥ 2", { ...good(), k: 1 }, /KLL k must be an integer/],
    ["c out of range", { ...good(), c: 2 }, /KLL c must be in/],
    ["levels not an array", { ...good(), levels: "x" }, /levels and compactions/],
    ["levels empty", { ...good(), levels: [], compactions: [] }, /non-empty/],
    ["length mismatch", { ...good(), compactions: [1] }, /equal length/],
    ["level not an array", { ...good(), levels: [7, [1]] }, /level 0 must be an array of finite numbers/],
    ["non-finite item", { ...good(), levels: [[7], [1, Infinity]] }, /level 1 must be an array of finite numbers/],
    ["string item", { ...good(), levels: [["7"], [1]] }, /level 0 must be an array of finite numbers/],
    ["negative compactions", { ...good(), compactions: [1, -1] }, /compactions\[1\] must be a non-negative integer/],
    ["fractional compactions", { ...good(), compactions: [0.5, 0] }, /compactions\[0\] must be a non-negative integer/],
  ];
  for (const [what, state, message] of bad) {
    it(`rejects ${what} with a SketchStateError naming the problem`, () => {
      let caught: unknown;
      try {
        KllSketch.deserialize(state);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SketchStateError);
      expect((caught as Error).message).toMatch(/^kll state: /);
      expect((caught as Error).message).toMatch(message);
    });
  }
});

/** The distribution by its definition: every (value, weight) pair sorted by value, equal values folded, weights accumulated. */
function byDefinition(pairs: Array<[number, number]>): { values: number[]; cumulative: number[] } {
  pairs.sort((p, q) => p[0] - q[0]);
  const values: number[] = [];
  const cumulative: number[] = [];
  let running = 0;
  for (const [x, w] of pairs) {
    running += w;
    if (values.length > 0 && values[values.length - 1] === x) cumulative[cumulative.length - 1] = running;
    else {
      values.push(x);
      cumulative.push(running);
    }
  }
  return { values, cumulative };
}

describe("WeightedDistribution.fromLevels", () => {
  it("is the sorted, folded, accumulated (value, 2^h) pairs of the levels' items, whatever the order of equal ones", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })), { maxLength: 40 }),
          {
            maxLength: 8,
          },
        ),
        (levels) => {
          const pairs = levels.flatMap((level, h) => level.map((x) => [x, 2 ** h] as [number, number]));
          const a = WeightedDistribution.fromLevels(levels);
          const b = byDefinition(pairs);
          expect(Array.from(a.cumulative)).toEqual(b.cumulative);
          expect(Array.from(a.values).map((x) => x + 0)).toEqual(b.values.map((x) => x + 0)); // −0 and +0 fold into one value
        },
      ),
    );
  });

  it("a sketch's distribution follows its updates (it is kept only until the next one)", () => {
    const s = new KllSketch();
    s.update(1);
    expect(s.toDistribution().total).toBe(1);
    expect(s.toDistribution()).toBe(s.toDistribution());
    s.update(2);
    expect(s.toDistribution().total).toBe(2);
    expect(Array.from(s.toDistribution().values)).toEqual([1, 2]);
  });
});
