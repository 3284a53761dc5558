import { describe, expect, it } from "vitest";
import { CategoryCounts } from "../../src/sketches/categoryCounts.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { prng } from "../laws/lawSupport.js";

function countsOf(values: readonly string[], cap?: number): CategoryCounts {
  const c = new CategoryCounts(cap);
  for (const v of values) c.add(v);
  return c;
}

describe("CategoryCounts: exact mode", () => {
  it("counts every value while at most cap distinct values were seen", () => {
    const c = countsOf(["b", "a", "c", "a", "b", "d", "a"], 4);
    expect(c.exact).toBe(true);
    expect(c.total).toBe(7);
    expect(c.summary()).toEqual({
      buckets: [
        ["a", 3],
        ["b", 2],
        ["c", 1],
        ["d", 1],
      ],
      rest: 0,
      exact: true,
    });
  });

  it("orders the summary by count descending, then value ascending (UTF-16 order)", () => {
    const c = countsOf(["z", "y", "B", "a", "a", "Z", "10", "9", "10"]);
    expect(c.summary().buckets).toEqual([
      ["10", 2],
      ["a", 2],
      ["9", 1],
      ["B", 1],
      ["Z", 1],
      ["y", 1],
      ["z", 1],
    ]);
  });

  it("add(value, count) adds a weight", () => {
    const c = new CategoryCounts(3);
    c.add("x", 5);
    c.add("y");
    c.add("x", 2);
    expect(c.summary().buckets).toEqual([
      ["x", 7],
      ["y", 1],
    ]);
    expect(c.total).toBe(8);
  });

  it("default cap is 1,000: exact at 1,000 distinct values, approximate at 1,001", () => {
    const c = new CategoryCounts();
    expect(c.cap).toBe(1000);
    for (let i = 0; i < 1000; i++) c.add(`v${i}`);
    expect(c.exact).toBe(true);
    expect(c.summary().buckets.length).toBe(1000);
    c.add("v0");
    expect(c.exact).toBe(true);
    c.add("one-more");
    expect(c.exact).toBe(false);
  });
});

describe("CategoryCounts: approximate (Misra–Gries) mode", () => {
  it("switches beyond the cap and prunes the summary by the (cap+1)-th largest count", () => {
    // cap 2: a×3, b, c → counts 3,1,1; the 3rd largest is 1 → a: 3−1 = 2, b and c dropped
    const c = countsOf(["a", "a", "b", "a", "c"], 2);
    expect(c.exact).toBe(false);
    expect(c.total).toBe(5);
    expect(c.summary()).toEqual({ buckets: [["a", 2]], rest: 3, exact: false });
  });

  it("summary() does not change the state", () => {
    const c = countsOf(["a", "a", "b", "a", "c"], 2);
    const before = JSON.stringify(c.serialize());
    c.summary();
    expect(JSON.stringify(c.serialize())).toBe(before);
    c.add("b");
    c.add("b");
    // counters now a3, b3, c1 (not pruned yet: 3 ≤ 2·cap) → summary subtracts 1: a2, b2
    expect(c.summary()).toEqual({
      buckets: [
        ["a", 2],
        ["b", 2],
      ],
      rest: 3,
      exact: false,
    });
  });

  it("prunes lazily once 2·cap counters are held", () => {
    const c = countsOf(["a", "b", "c", "d"], 2);
    expect((c.serialize().counts as unknown[]).length).toBe(4); // 4 = 2·cap: not pruned yet
    c.add("e"); // 5 > 2·cap → prune: all counts 1, threshold 1 → all dropped
    expect(c.serialize().counts).toEqual([]);
    expect(c.summary()).toEqual({ buckets: [], rest: 5, exact: false });
    c.add("a");
    expect(c.summary()).toEqual({ buckets: [["a", 1]], rest: 5, exact: false });
  });

  it("keeps every count within the Misra–Gries bound f − N/(cap+1) ≤ f̂ ≤ f and finds the heavy hitters", () => {
    const r = prng(3);
    for (const cap of [5, 20, 100]) {
      const c = new CategoryCounts(cap);
      const truth = new Map<string, number>();
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        // Zipf-like: value j with probability ∝ 1/(j+1) over 2,000 values
        const v = `k${Math.floor(Math.exp(r() * Math.log(2001))) - 1}`;
        c.add(v);
        truth.set(v, (truth.get(v) ?? 0) + 1);
      }
      const { buckets, rest, exact } = c.summary();
      expect(exact).toBe(false);
      expect(buckets.length).toBeLessThanOrEqual(cap);
      const reported = new Map(buckets);
      const bound = n / (cap + 1);
      for (const [v, f] of truth) {
        const est = reported.get(v) ?? 0;
        expect(est).toBeLessThanOrEqual(f);
        expect(est).toBeGreaterThanOrEqual(f - bound);
        if (f > bound) expect(reported.has(v)).toBe(true);
      }
      expect(rest).toBe(n - buckets.reduce((a, [, k]) => a + k, 0));
      expect(rest).toBeGreaterThan(0);
    }
  });

  it("merging two exact summaries whose union exceeds the cap gives an approximate one", () => {
    const a = countsOf(["x", "x", "x", "y"], 2);
    const b = countsOf(["z", "x"], 2);
    const m = a.merge(b);
    expect(m.exact).toBe(false);
    // x4, y1, z1 → threshold 1 → x3
    expect(m.summary()).toEqual({ buckets: [["x", 3]], rest: 3, exact: false });
    expect(m.total).toBe(6);
    expect(a.exact && b.exact).toBe(true); // inputs untouched
    expect(a.summary().buckets).toEqual([
      ["x", 3],
      ["y", 1],
    ]);
  });
});

describe("CategoryCounts: parameters and state", () => {
  it("validates the cap and refuses to merge different caps", () => {
    for (const cap of [0, -1, 1.5, Number.NaN]) expect(() => new CategoryCounts(cap)).toThrow(RangeError);
    expect(() => new CategoryCounts(3).merge(new CategoryCounts(4))).toThrow(/caps 3 and 4/);
  });

  it("round-trips through JSON, in both modes", () => {
    for (const values of [
      ["a", "b", "a"],
      ["a", "b", "c", "a", "d", "a"],
    ]) {
      const c = countsOf(values, 2);
      const back = CategoryCounts.deserialize(JSON.parse(JSON.stringify(c.serialize())));
      expect(back.summary()).toEqual(c.summary());
      expect(back.total).toBe(c.total);
      expect(back.exact).toBe(c.exact);
      expect(back.cap).toBe(2);
    }
  });

  it("rejects bad states with SketchStateError", () => {
    const good = countsOf(["a"], 2).serialize();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, v: 2 }, /unsupported version/],
      [{ ...good, exact: "yes" }, /cap, exact, total and counts are required/],
      [{ ...good, counts: {} }, /cap, exact, total and counts are required/],
      [{ ...good, counts: [["a"]] }, /counts must be \[value, count\] pairs/],
      [{ ...good, counts: [[1, 2]] }, /counts must be \[value, count\] pairs/],
      [{ ...good, cap: 0 }, /cap must be a positive integer, got 0/],
      [{ ...good, cap: 2.5 }, /cap must be a positive integer/],
    ];
    for (const [state, message] of cases) {
      expect(() => CategoryCounts.deserialize(state)).toThrow(SketchStateError);
      expect(() => CategoryCounts.deserialize(state)).toThrow(message);
    }
  });
});

describe("selectKth", () => {
  it("returns what sorting would put at index k", async () => {
    const fc = (await import("fast-check")).default;
    const { selectKth } = await import("../../src/sketches/categoryCounts.js");
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200 }), fc.nat(), (xs, r) => {
        const k = r % xs.length;
        const sorted = Float64Array.from(xs).sort();
        expect(selectKth(Float64Array.from(xs), k)).toBe(sorted[k]);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
