import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { DEFAULT_SKETCH_OPTIONS, type SketchOptions } from "../../src/profiles/FeatureProfile.js";
import { featureStatistics } from "../../src/profiles/toStatistics.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { mulberry32 } from "../support/random.js";

function common(p: DatasetProfile, name: string): unknown {
  const f = p.features.get(name);
  if (f === undefined) throw new Error(`no feature ${name}`);
  const s = featureStatistics(f, p.itemCount);
  const body = (s["numerical_statistics"] ?? s["string_statistics"]) as { common: unknown };
  return body.common;
}

describe("DatasetProfile: JSON rows", () => {
  const p = new DatasetProfile();
  p.addObjectRow({ a: 1, b: "x" });
  p.addObjectRow({ a: 2 });
  p.addObjectRow({ b: null, c: true });
  p.addObjectRow({ c: "", a: 3.5, d: undefined });

  it("counts rows and keeps features in first-seen order", () => {
    expect(p.itemCount).toBe(4);
    expect([...p.features.keys()]).toEqual(["a", "b", "c", "d"]);
  });

  it("num_missing = item_count − num_present, counting rows where the feature is absent", () => {
    expect(common(p, "a")).toEqual({ num_present: 3, num_missing: 1 });
    expect(common(p, "b")).toEqual({ num_present: 1, num_missing: 3 }); // null, and absent twice
    expect(common(p, "c")).toEqual({ num_present: 1, num_missing: 3 }); // "" is missing
    expect(common(p, "d")).toEqual({ num_present: 0, num_missing: 4 });
    // explicit missing values are tracked per feature; absent ones are not
    expect(p.features.get("b")?.numMissingExplicit).toBe(1);
    expect(p.features.get("d")?.numMissingExplicit).toBe(1);
  });

  it("feature(name) returns the same accumulator and creates it on first use", () => {
    expect(p.feature("a")).toBe(p.features.get("a"));
    const q = new DatasetProfile();
    const e = q.feature("e");
    expect(q.feature("e")).toBe(e);
    expect([...q.features.keys()]).toEqual(["e"]);
    expect(q.itemCount).toBe(0);
  });
});

describe("DatasetProfile: text rows (CSV)", () => {
  it("matches fields to columns by position; short rows leave features missing; extra fields are ignored", () => {
    const p = new DatasetProfile();
    const cols = p.columns(["id", "state", "mins"]);
    p.addTextRow(cols, ["1", "CA", "2.5"]);
    p.addTextRow(cols, ["2", "NV"]);
    p.addTextRow(cols, ["3", "", "4.5", "extra", "more"]);
    expect(p.itemCount).toBe(3);
    expect([...p.features.keys()]).toEqual(["id", "state", "mins"]);
    expect(common(p, "id")).toEqual({ num_present: 3, num_missing: 0 });
    expect(common(p, "state")).toEqual({ num_present: 2, num_missing: 1 });
    expect(common(p, "mins")).toEqual({ num_present: 2, num_missing: 1 });
    expect(p.features.get("mins")?.moments.sum.value()).toBe(7);
  });

  it("columns() resolves existing features instead of duplicating them", () => {
    const p = new DatasetProfile();
    const a = p.columns(["x", "y"]);
    const b = p.columns(["y", "x"]);
    expect(b).toEqual([a[1], a[0]]);
    expect(p.features.size).toBe(2);
  });
});

describe("DatasetProfile: merge", () => {
  const left = new DatasetProfile();
  left.addObjectRow({ x: 1, y: "a" });
  const right = new DatasetProfile();
  right.addObjectRow({ z: 2, x: 3 });
  right.addObjectRow({ w: "q" });

  it("keeps the left operand's feature order and appends the right one's new features", () => {
    expect([...left.merge(right).features.keys()]).toEqual(["x", "y", "z", "w"]);
    expect([...right.merge(left).features.keys()]).toEqual(["z", "x", "w", "y"]);
  });

  it("adds item counts, so features absent from one side become missing there", () => {
    const m = left.merge(right);
    expect(m.itemCount).toBe(3);
    expect(common(m, "x")).toEqual({ num_present: 2, num_missing: 1 });
    expect(common(m, "y")).toEqual({ num_present: 1, num_missing: 2 });
    expect(common(m, "w")).toEqual({ num_present: 1, num_missing: 2 });
    expect(m.features.get("x")?.moments.sum.value()).toBe(4);
  });

  it("returns new feature accumulators (inputs untouched, no aliasing)", () => {
    const before = JSON.stringify([left.serialize(), right.serialize()]);
    const m = left.merge(right);
    m.feature("y").update("b");
    m.addObjectRow({ x: 10 });
    expect(JSON.stringify([left.serialize(), right.serialize()])).toBe(before);
    expect(m.features.get("y")).not.toBe(left.features.get("y"));
  });
});

describe("DatasetProfile: options and state", () => {
  const opts: SketchOptions = { category_cap: 5, kll_k: 32, kll_c: 0.64 };

  it("gives every feature the profile's sketch options", () => {
    const p = new DatasetProfile(opts);
    p.addObjectRow({ a: 1 });
    const f = p.features.get("a");
    expect(f?.options).toBe(opts);
    expect([f?.kll.k, f?.categories.cap]).toEqual([32, 5]);
    expect(new DatasetProfile().options).toBe(DEFAULT_SKETCH_OPTIONS);
  });

  it("serializes options, item count and features in order, and restores them", () => {
    const p = new DatasetProfile(opts);
    p.addObjectRow({ b: "x", a: 1 });
    p.addObjectRow({});
    const state = JSON.parse(JSON.stringify(p.serialize())) as { item_count: number; options: unknown; features: Array<{ name: string }> };
    expect(state.item_count).toBe(2);
    expect(state.options).toEqual(opts);
    expect(state.features.map((f) => f.name)).toEqual(["b", "a"]);
    const back = DatasetProfile.deserialize(state);
    expect(back.options).toEqual(opts);
    expect([...back.features.keys()]).toEqual(["b", "a"]);
    back.addObjectRow({ c: 1 });
    expect(back.features.get("c")?.kll.k).toBe(32);
  });

  it("rejects bad states with SketchStateError", () => {
    expect(() => DatasetProfile.deserialize({ v: 1, features: [] })).toThrow(/dataset_profile state: item_count and features are required/);
    expect(() => DatasetProfile.deserialize({ v: 1, item_count: 1, features: {} })).toThrow(SketchStateError);
    expect(() => DatasetProfile.deserialize({ v: 1, item_count: 1, features: [{ v: 1 }] })).toThrow(/feature_profile state/);
    expect(() => DatasetProfile.deserialize([])).toThrow(SketchStateError);
  });
});

describe("addPositionalRow", () => {
  /** What addPositionalRow stands for: the object of the fields named by position. */
  const asObject = (names: readonly string[], fields: readonly string[]) => {
    const row = Object.create(null) as Record<string, string>;
    fields.forEach((v, p) => (row[p < names.length ? (names[p] as string) : `_c${p}`] = v));
    return row;
  };
  const name = fc.oneof(fc.constantFrom("a", "b", "_c3", "__proto__", "0", "7", "01", "constructor"), fc.string({ maxLength: 3 }));
  const value = fc.oneof(fc.constantFrom("", "1", "2.5", "x", "NaN"), fc.double().map(String));

  it("counts exactly as addObjectRow of the named fields (duplicate, index-like and extra names included), with and without a feature limit", () => {
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 6 }),
        fc.array(fc.array(value, { maxLength: 8 }), { maxLength: 12 }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        (names, rows, maxFeatures) => {
          const limit = maxFeatures === undefined ? undefined : { maxFeatures, reserved: new Set<string>() };
          const fast = new DatasetProfile(DEFAULT_SKETCH_OPTIONS, limit);
          const slow = new DatasetProfile(DEFAULT_SKETCH_OPTIONS, limit);
          for (const fields of rows) {
            fast.addPositionalRow(names, fields);
            slow.addObjectRow(asObject(names, fields));
          }
          expect(JSON.stringify(fast.serialize())).toBe(JSON.stringify(slow.serialize()));
          expect(fast.notProfiled.values).toBe(slow.notProfiled.values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("holds rows in column blocks: positional rows, object rows and reads in any order count as row by row", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("positional" as const), fields: fc.array(value, { minLength: 2, maxLength: 4 }) }),
      fc.record({ kind: fc.constant("object" as const), fields: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant("read" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const names = ["a", "b", "c"];
        const fast = new DatasetProfile();
        const slow = new DatasetProfile();
        for (const o of ops) {
          if (o.kind === "read") {
            expect(JSON.stringify(fast.serialize())).toBe(JSON.stringify(slow.serialize()));
          } else if (o.kind === "positional") {
            fast.addPositionalRow(names, o.fields);
            slow.addObjectRow(asObject(names, o.fields));
          } else {
            const row = asObject(["b", "z", "a"], o.fields);
            fast.addObjectRow(row);
            slow.addObjectRow(row);
          }
        }
        expect(fast.itemCount).toBe(slow.itemCount);
        expect(JSON.stringify(fast.serialize())).toBe(JSON.stringify(slow.serialize()));
      }),
      { numRuns: 300 },
    );
  });

  it("flushes full blocks and partial ones alike: 5,000 rows read at 2,500 and at the end equal row by row", () => {
    const names = ["x", "y"];
    const fast = new DatasetProfile();
    const slow = new DatasetProfile();
    const rng = mulberry32(7);
    for (let i = 0; i < 5000; i++) {
      const fields = [(rng() * 100).toFixed(2), i % 13 === 0 ? "n/a" : String(Math.floor(rng() * 40))];
      fast.addPositionalRow(names, fields);
      slow.addObjectRow(asObject(names, fields));
      if (i === 2499) expect(JSON.stringify(fast.serialize())).toBe(JSON.stringify(slow.serialize()));
    }
    expect(fast.features.get("y")?.kinds[4]).toBe(385);
    expect(JSON.stringify(fast.serialize())).toBe(JSON.stringify(slow.serialize()));
    fast.addPositionalRow(names, ["1", "2"]);
    slow.addObjectRow(asObject(names, ["1", "2"]));
    // a merge reads every held row too
    expect(JSON.stringify(new DatasetProfile().merge(fast).serialize())).toBe(JSON.stringify(new DatasetProfile().merge(slow).serialize()));
  });
});
