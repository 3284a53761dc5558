import { describe, expect, it } from "vitest";
import { DEFAULT_SKETCH_OPTIONS, FeatureProfile } from "../../src/profiles/FeatureProfile.js";
import { ValueKind, type RawValue } from "../../src/records/valueType.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";

/** kinds as a readable record. */
function kinds(f: FeatureProfile): Record<string, number> {
  return {
    missing: f.kinds[ValueKind.Missing] as number,
    integral: f.kinds[ValueKind.Integral] as number,
    fractional: f.kinds[ValueKind.Fractional] as number,
    boolean: f.kinds[ValueKind.Boolean] as number,
    string: f.kinds[ValueKind.String] as number,
  };
}

describe("FeatureProfile: text values (CSV, JSON strings)", () => {
  const f = new FeatureProfile("x");
  const returned = ["1", "2.5", "true", "abc", "", "  ", "1e400", "- 7", "\t", "1.", "007"].map((s) => f.updateString(s));

  it("counts values by Deequ kind; empty and white space are missing", () => {
    expect(returned).toEqual([
      ValueKind.Integral,
      ValueKind.Fractional,
      ValueKind.Boolean,
      ValueKind.String,
      ValueKind.Missing,
      ValueKind.Missing,
      ValueKind.Fractional,
      ValueKind.Integral,
      ValueKind.Missing,
      ValueKind.String,
      ValueKind.Integral,
    ]);
    expect(kinds(f)).toEqual({ missing: 3, integral: 3, fractional: 2, boolean: 1, string: 2 });
    expect(f.numPresent).toBe(8);
    expect(f.numMissingExplicit).toBe(3);
  });

  it("feeds finite numbers (incl. '- 7') to moments and KLL; non-finite ones are counted apart", () => {
    expect(f.nonFinite).toBe(1); // "1e400"
    expect(f.moments.count).toBe(4); // 1, 2.5, -7, 7
    expect(f.moments.sum.value()).toBe(3.5);
    expect([f.moments.min, f.moments.max]).toEqual([-7, 7]);
    expect(f.kll.count).toBe(4);
    expect(f.kll.levels()).toEqual([[1, 2.5, -7, 7]]);
  });

  it("feeds the text of every present value to the categories and the HLL", () => {
    expect(f.categorySummary().total).toBe(8);
    // numeric texts are counted apart from the others
    expect([f.categories.total, f.numericCategories.total]).toEqual([3, 5]);
    expect(f.categorySummary().buckets.map(([v]) => v)).toEqual(["- 7", "007", "1", "1.", "1e400", "2.5", "abc", "true"]);
    expect(Math.round(f.distinctEstimate())).toBe(8);
    // all eight are still counted exactly, so nothing has been hashed yet
    expect(f.hll.estimate()).toBe(0);
  });
});

describe("FeatureProfile: typed values (JSON)", () => {
  const values: RawValue[] = [null, undefined, Number.NaN, 3, 3.5, true, false, { a: 1 }, [1, 2], Number.POSITIVE_INFINITY, "3", -0.25];
  const f = new FeatureProfile("y");
  const returned = values.map((v) => f.update(v));

  it("classifies: null/undefined/NaN missing; integer-valued numbers Integral; booleans; objects String", () => {
    expect(returned).toEqual([
      ValueKind.Missing,
      ValueKind.Missing,
      ValueKind.Missing,
      ValueKind.Integral,
      ValueKind.Fractional,
      ValueKind.Boolean,
      ValueKind.Boolean,
      ValueKind.String,
      ValueKind.String,
      ValueKind.Fractional,
      ValueKind.Integral,
      ValueKind.Fractional,
    ]);
    expect(kinds(f)).toEqual({ missing: 3, integral: 2, fractional: 3, boolean: 2, string: 2 });
    expect(f.numPresent).toBe(9);
  });

  it("uses the JSON text of objects and String(v) of scalars as the category value", () => {
    expect(f.categorySummary().buckets).toEqual([
      ["3", 2], // the number 3 and the string "3" are one category
      ["-0.25", 1],
      ["3.5", 1],
      ["Infinity", 1],
      ["[1,2]", 1],
      ["false", 1],
      ["true", 1],
      ['{"a":1}', 1],
    ]);
  });

  it("sends finite numbers to moments; Infinity counts as non-finite", () => {
    expect(f.moments.count).toBe(4); // 3, 3.5, "3", -0.25
    expect(f.moments.sum.value()).toBe(9.25);
    expect(f.nonFinite).toBe(1);
  });
});

describe("FeatureProfile: merge and state", () => {
  it("adds kinds and non-finite counts, merges every sketch, leaves its inputs untouched", () => {
    const a = new FeatureProfile("f");
    const b = new FeatureProfile("f");
    ["1", "x", ""].forEach((s) => a.updateString(s));
    ["2.5", "1e999", "x", "true"].forEach((s) => b.updateString(s));
    const before = JSON.stringify([a.serialize(), b.serialize()]);
    const m = a.merge(b);
    expect(JSON.stringify([a.serialize(), b.serialize()])).toBe(before);
    expect(kinds(m)).toEqual({ missing: 1, integral: 1, fractional: 2, boolean: 1, string: 2 });
    expect(m.nonFinite).toBe(1);
    expect(m.moments.count).toBe(2);
    expect(m.moments.sum.value()).toBe(3.5);
    expect(m.kll.count).toBe(2);
    expect(m.categorySummary().buckets).toEqual([
      ["x", 2],
      ["1", 1],
      ["1e999", 1],
      ["2.5", 1],
      ["true", 1],
    ]);
    expect(m.name).toBe("f");
  });

  it("refuses to merge features with different names", () => {
    expect(() => new FeatureProfile("a").merge(new FeatureProfile("b"))).toThrow(/cannot merge feature "a" with "b"/);
  });

  it("uses the sketch options it is given, and restores them from serialized sketches", () => {
    const opts = { category_cap: 3, kll_k: 16, kll_c: 0.5 };
    const f = new FeatureProfile("g", opts);
    expect([f.categories.cap, f.kll.k, f.kll.c]).toEqual([3, 16, 0.5]);
    const back = FeatureProfile.deserialize(JSON.parse(JSON.stringify(f.serialize())));
    expect(back.options).toEqual(opts);
    expect(new FeatureProfile("h").options).toBe(DEFAULT_SKETCH_OPTIONS);
  });

  it("rejects bad states with SketchStateError", () => {
    const good = new FeatureProfile("f").serialize();
    expect(() => FeatureProfile.deserialize({ ...good, name: 3 })).toThrow(/feature_profile state: name must be a string/);
    expect(() => FeatureProfile.deserialize({ ...good, kinds: [1, 2, 3] })).toThrow(/kinds must be 5 numbers/);
    expect(() => FeatureProfile.deserialize({ ...good, kll: { v: 1 } })).toThrow(SketchStateError);
    expect(() => FeatureProfile.deserialize({ ...good, v: 2 })).toThrow(SketchStateError);
  });
});

describe("FeatureProfile: numeric values as categories", () => {
  it("are listed exactly up to category_cap distinct numeric values, then only counted in rest", () => {
    const opts = { category_cap: 4, kll_k: 16, kll_c: 0.5 };
    const f = new FeatureProfile("code", opts);
    ["1", "2", "2", "N/A", "N/A", "N/A"].forEach((s) => f.updateString(s));
    expect(f.categorySummary()).toEqual({
      buckets: [
        ["N/A", 3],
        ["2", 2],
        ["1", 1],
      ],
      rest: 0,
      exact: true,
      total: 6,
      unlisted: 0,
    });
    ["3", "4", "5"].forEach((s) => f.updateString(s)); // a fifth distinct number: numeric counts overflow
    const s = f.categorySummary();
    expect(f.numericCategories.overflowed).toBe(true);
    expect(s).toEqual({ buckets: [["N/A", 3]], rest: 6, exact: false, total: 9, unlisted: 6 });
  });

  it("cap the joined list at category_cap buckets, the smallest going to rest", () => {
    const f = new FeatureProfile("mixed", { category_cap: 3, kll_k: 16, kll_c: 0.5 });
    ["a", "a", "b", "c", "1", "1", "1", "2"].forEach((s) => f.updateString(s));
    expect(f.categorySummary()).toEqual({
      buckets: [
        ["1", 3],
        ["a", 2],
        ["2", 1],
      ],
      rest: 2,
      exact: false,
      total: 8,
      unlisted: 0,
    });
  });
});

describe("FeatureProfile: the HyperLogLog holds what the exact counts no longer account for", () => {
  const opts = { category_cap: 50, kll_k: 64, kll_c: 0.64 };
  const values = (seed: number, n: number, distinct: number): string[] =>
    Array.from({ length: n }, (_, i) => (((i * 7919 + seed) % distinct) % 2 === 0 ? String((i * 7919 + seed) % distinct) : `s${(i * 7919 + seed) % distinct}`));

  it("gives the same distinct estimate (bit for bit) in one pass, merged from parts in any order, and after a state round trip", () => {
    for (const distinct of [10, 60, 120, 5000]) {
      const all = values(distinct, 3000, distinct);
      const whole = new FeatureProfile("f", opts);
      all.forEach((v) => whole.updateString(v));
      const parts = [all.slice(0, 700), all.slice(700, 1900), all.slice(1900)].map((p) => {
        const f = new FeatureProfile("f", opts);
        p.forEach((v) => f.updateString(v));
        return f;
      });
      const [a, b, c] = parts as [FeatureProfile, FeatureProfile, FeatureProfile];
      const merged = a.merge(b).merge(c);
      const other = c.merge(a.merge(b));
      const restored = FeatureProfile.deserialize(JSON.parse(JSON.stringify(merged.serialize())));
      expect(merged.distinctEstimate()).toBe(whole.distinctEstimate());
      expect(other.distinctEstimate()).toBe(whole.distinctEstimate());
      expect(restored.distinctEstimate()).toBe(whole.distinctEstimate());
      expect(Array.from(merged.hll.registers)).toEqual(Array.from(whole.hll.registers));
      const truth = new Set(all).size;
      expect(Math.abs(whole.distinctEstimate() - truth) / truth).toBeLessThan(0.14); // 3σ of Deequ's p = 9
    }
  });

  it("does not hash a low-cardinality feature at all", () => {
    const f = new FeatureProfile("plan", opts);
    for (let i = 0; i < 1000; i++) f.updateString(["basic", "premium", "1", "2"][i % 4] as string);
    expect(f.hll.estimate()).toBe(0);
    expect(Math.round(f.distinctEstimate())).toBe(4);
  });
});
