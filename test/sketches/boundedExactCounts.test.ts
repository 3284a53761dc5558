import { describe, expect, it } from "vitest";
import { BoundedExactCounts } from "../../src/sketches/boundedExactCounts.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";

const of = (cap: number, values: readonly string[]): BoundedExactCounts => {
  const c = new BoundedExactCounts(cap);
  for (const v of values) c.add(v);
  return c;
};

describe("BoundedExactCounts serialization", () => {
  it("groups the values by count, counts descending, values in code unit order", () => {
    expect(of(10, ["2", "0.25", "1.5", "1.5", "1.5", "10", "10"]).serialize()).toStrictEqual({
      v: 1,
      cap: 10,
      total: 7,
      by_count: [
        [3, ["1.5"]],
        [2, ["10"]],
        [1, ["0.25", "2"]],
      ],
    });
    expect(of(2, ["1", "2", "3"]).serialize()).toStrictEqual({ v: 1, cap: 2, total: 3, counts: null });
    expect(of(2, []).serialize()).toStrictEqual({ v: 1, cap: 2, total: 0, by_count: [] });
  });

  it("reads the [value, count] pairs earlier versions wrote as the same counts", () => {
    const old = {
      v: 1,
      cap: 10,
      total: 4,
      counts: [
        ["1.5", 3],
        ["2", 1],
      ],
    };
    const c = BoundedExactCounts.deserialize(old);
    expect(c.entries()).toEqual([
      ["1.5", 3],
      ["2", 1],
    ]);
    expect(c.serialize()).toStrictEqual(of(10, ["1.5", "1.5", "1.5", "2"]).serialize());
  });

  it.each([
    [{ v: 1, cap: 10, total: 1, by_count: [[1, ["a"]]], counts: null }, /exclusive/],
    [{ v: 1, cap: 10, total: 1, by_count: {} }, /groups/],
    [{ v: 1, cap: 10, total: 1, by_count: [[0, ["a"]]] }, /descending/],
    [
      {
        v: 1,
        cap: 10,
        total: 1,
        by_count: [
          [1, ["a"]],
          [2, ["b"]],
        ],
      },
      /descending/,
    ],
    [{ v: 1, cap: 10, total: 1, by_count: [[1, ["b", "a"]]] }, /ascending/],
    [
      {
        v: 1,
        cap: 10,
        total: 1,
        by_count: [
          [2, ["a"]],
          [1, ["a"]],
        ],
      },
      /twice/,
    ],
    [{ v: 1, cap: 10, total: 1, by_count: [[1, []]] }, /without values/],
    [{ v: 1, cap: 1, total: 2, by_count: [[1, ["a", "b"]]] }, /more than cap/],
  ])("refuses %j", (state, why) => {
    expect(() => BoundedExactCounts.deserialize(state)).toThrow(SketchStateError);
    expect(() => BoundedExactCounts.deserialize(state)).toThrow(why);
  });
});
