// The feature view's overlay (src/dashboard/histogram.ts): shares on common bins from KLL sketches
// or, without a sketch, from the buckets; categorical top values with the rest folded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NUMERIC_BINS, OTHER_VALUES, TOP_VALUES, overlayOf } from "../../src/dashboard/histogram.js";
import type { FeatureStatistics } from "../../src/formats/statisticsFormat.js";

function numeric(values: number[], withSketch = true): FeatureStatistics {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = (max - min) / 10 || 1;
  const buckets = Array.from({ length: 10 }, (_, i) => ({
    lower_bound: min + i * width,
    upper_bound: min + (i + 1) * width,
    count: values.filter((v) => (i === 9 ? v >= min + i * width : v >= min + i * width && v < min + (i + 1) * width)).length,
  }));
  return {
    name: "x",
    inferred_type: "Fractional",
    numerical_statistics: {
      common: { num_present: values.length, num_missing: 0 },
      mean: 0,
      sum: 0,
      std_dev: 0,
      min,
      max,
      distribution: { kll: { buckets, ...(withSketch ? { sketch: { parameters: { c: 0.64, k: 2048 }, data: [values] } } : {}) } },
    },
  };
}

function categorical(counts: Record<string, number>): FeatureStatistics {
  return {
    name: "c",
    inferred_type: "String",
    string_statistics: {
      common: { num_present: 1, num_missing: 0 },
      distinct_count: Object.keys(counts).length,
      distribution: { categorical: { buckets: Object.entries(counts).map(([value, count]) => ({ value, count })) } },
    },
  };
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

describe("overlayOf", () => {
  it("puts both sides on one set of bins over both ranges, each summing to 1", () => {
    const o = overlayOf(numeric([0, 1, 2, 3, 4]), numeric([5, 6, 7, 8, 10]));
    if (o.kind !== "numeric") throw new Error(o.kind);
    expect(o.edges).toHaveLength(NUMERIC_BINS + 1);
    expect(o.edges[0]).toBe(0);
    expect(o.edges.at(-1)).toBe(10);
    expect(sum(o.baseline ?? [])).toBeCloseTo(1, 12);
    expect(sum(o.window ?? [])).toBeCloseTo(1, 12);
    // the baseline has nothing above 4, the window nothing below 5 (bins hold (lower, upper])
    expect(sum((o.baseline ?? []).slice(NUMERIC_BINS / 2 + 1))).toBe(0);
    expect(sum((o.window ?? []).slice(0, NUMERIC_BINS / 2 - 1))).toBe(0);
  });

  it("reads the sketch where there is one: every value lands in its own bin", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 200 }), (xs) => {
        const o = overlayOf(numeric(xs), undefined);
        if (o.kind !== "numeric") throw new Error(o.kind);
        const shares = o.baseline ?? [];
        const bins = o.edges.length - 1;
        // the count of values in (e_i, e_{i+1}], the first bin closed at its lower edge
        const expected = Array.from(
          { length: bins },
          (_, i) =>
            xs.filter((x) => (i === 0 ? x <= (o.edges[1] as number) : x > (o.edges[i] as number) && (i === bins - 1 || x <= (o.edges[i + 1] as number))))
              .length / xs.length,
        );
        shares.forEach((s, i) => expect(s).toBeCloseTo(expected[i] as number, 9));
        return true;
      }),
    );
  });

  it("spreads bucket counts evenly within each bucket when a file has no sketch", () => {
    const o = overlayOf(numeric([0, 0, 10, 10], false), undefined);
    if (o.kind !== "numeric") throw new Error(o.kind);
    expect(sum(o.baseline ?? [])).toBeCloseTo(1, 12);
    // half the items in the first bucket [0,1): spread over the first two of twenty bins
    expect(o.baseline?.[0]).toBeCloseTo(0.25, 12);
    expect(o.baseline?.[1]).toBeCloseTo(0.25, 12);
  });

  it("a constant feature is one bin; a side without values is null", () => {
    const o = overlayOf(numeric([3, 3, 3]), {
      ...numeric([1]),
      numerical_statistics: { ...numeric([1]).numerical_statistics!, common: { num_present: 0, num_missing: 5 } },
    });
    if (o.kind !== "numeric") throw new Error(o.kind);
    expect(o.edges).toEqual([3, 3]);
    expect(o.baseline).toEqual([1]);
    expect(o.window).toBeNull();
  });

  it("categorical: the most frequent values of either side, the rest as (other)", () => {
    const base: Record<string, number> = {};
    for (let i = 0; i < TOP_VALUES + 5; i++) base[`v${String(i).padStart(2, "0")}`] = 100 - i;
    const o = overlayOf(categorical(base), categorical({ new_value: 500, v00: 10 }));
    if (o.kind !== "categorical") throw new Error(o.kind);
    expect(o.values[0]).toBe("new_value");
    expect(o.values).toHaveLength(TOP_VALUES + 1);
    expect(o.values.at(-1)).toBe(OTHER_VALUES);
    expect(sum(o.baseline ?? [])).toBeCloseTo(1, 12);
    expect(sum(o.window ?? [])).toBeCloseTo(1, 12);
    expect(o.baseline?.[0]).toBe(0);
    expect(o.window?.[0]).toBeCloseTo(500 / 510, 12);
  });

  it("nothing to draw: kind none", () => {
    expect(overlayOf(undefined, undefined)).toEqual({ kind: "none" });
  });
});
