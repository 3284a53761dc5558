import { describe, expect, it } from "vitest";
import { splitBatches, type Batch } from "../../../src/sinks/cloudwatch/batching.js";
import type { Datum } from "../../../src/sinks/cloudwatch/datums.js";
import { invalidReason, PUT_METRIC_DATA_LIMITS, wireDatum } from "../../../src/sinks/cloudwatch/limits.js";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const dims = [
  { name: "Endpoint", value: "e" },
  { name: "MonitoringSchedule", value: "s" },
];

type DatumOverrides = { [K in keyof Datum]?: Datum[K] | undefined };

/** A datum; an override set to undefined removes the field. */
function datum(i: number, over: DatumOverrides = {}): Datum {
  const d: Record<string, unknown> = {
    namespace: "ns",
    name: `feature_non_null_f${i}`,
    dimensions: dims,
    timestampMs: NOW - 60_000,
    unit: "None",
    value: i / 7,
    ...over,
  };
  for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
  return d as unknown as Datum;
}

/** The request body as the AWS JSON 1.0 protocol carries it (before gzip). */
const body = (b: Batch): string => JSON.stringify({ Namespace: b.namespace, MetricData: b.datums.map(wireDatum) });

describe("splitBatches", () => {
  it("puts at most 1000 datums in a request, in order", () => {
    const ds = Array.from({ length: 2500 }, (_, i) => datum(i));
    const batches = splitBatches(ds);
    expect(batches.map((b) => b.datums.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.datums)).toEqual(ds);
  });

  it("keeps each request body under 1 MB, and its size estimate is the body's real size", () => {
    // 30 dimensions of 1024-character values: ~32 KB per datum, so ~31 datums per request
    const big = Array.from({ length: 30 }, (_, k) => ({ name: `d${k}`, value: String.fromCharCode(97 + (k % 26)).repeat(1024) }));
    const ds = Array.from({ length: 100 }, (_, i) => datum(i, { dimensions: big }));
    const batches = splitBatches(ds);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) {
      const bytes = Buffer.byteLength(body(b), "utf8");
      expect(bytes).toBeLessThanOrEqual(PUT_METRIC_DATA_LIMITS.maxBodyBytes);
      // estimate = envelope + datums + one comma each: one byte over the body (the last comma)
      expect(b.bytes).toBe(bytes + 1);
    }
    // greedy: a request plus the next datum would not have fitted
    for (let k = 0; k + 1 < batches.length; k++) {
      const b = batches[k] as Batch;
      const next = (batches[k + 1] as Batch).datums[0] as Datum;
      expect(Buffer.byteLength(body({ ...b, datums: [...b.datums, next] }), "utf8")).toBeGreaterThan(PUT_METRIC_DATA_LIMITS.maxBodyBytes - 1);
    }
    expect(batches.flatMap((b) => b.datums)).toEqual(ds);
  });

  it("counts bytes, not characters, for non-ASCII metric names", () => {
    const limits = { ...PUT_METRIC_DATA_LIMITS, maxBodyBytes: 2_000 };
    const ds = Array.from({ length: 40 }, (_, i) => datum(i, { name: `feature_non_null_é€${i}` }));
    for (const b of splitBatches(ds, limits)) expect(Buffer.byteLength(body(b), "utf8")).toBeLessThanOrEqual(2_000);
  });

  it("groups datums by namespace, keeping their order within each", () => {
    const ds = [datum(1), datum(2, { namespace: "own" }), datum(3), datum(4, { namespace: "own" })];
    const batches = splitBatches(ds);
    expect(batches.map((b) => [b.namespace, b.datums.map((d) => d.name)])).toEqual([
      ["ns", ["feature_non_null_f1", "feature_non_null_f3"]],
      ["own", ["feature_non_null_f2", "feature_non_null_f4"]],
    ]);
  });

  it("always makes progress: a datum alone over the byte budget still gets a request", () => {
    const limits = { ...PUT_METRIC_DATA_LIMITS, maxBodyBytes: 10 };
    expect(splitBatches([datum(1), datum(2)], limits).map((b) => b.datums.length)).toEqual([1, 1]);
  });
});

describe("invalidReason", () => {
  it("accepts a plain datum and a statistic set", () => {
    expect(invalidReason(datum(1), NOW)).toBeUndefined();
    expect(invalidReason(datum(1, { value: undefined, stats: { sampleCount: 3, sum: 6, min: 1, max: 3 } }), NOW)).toBeUndefined();
  });

  it.each([
    ["NaN", { value: Number.NaN }, "invalid_value"],
    ["Infinity", { value: Number.POSITIVE_INFINITY }, "invalid_value"],
    ["beyond 2^360", { value: 2 ** 361 }, "invalid_value"],
    ["no value at all", { value: undefined }, "invalid_value"],
    ["both a value and a set", { stats: { sampleCount: 1, sum: 1, min: 1, max: 1 } }, "invalid_value"],
    ["a set with SampleCount 0", { value: undefined, stats: { sampleCount: 0, sum: 0, min: 0, max: 0 } }, "invalid_value"],
    ["a set with min > max", { value: undefined, stats: { sampleCount: 2, sum: 3, min: 2, max: 1 } }, "invalid_value"],
    ["a 256-character name", { name: "x".repeat(256) }, "invalid_name"],
    ["31 dimensions", { dimensions: Array.from({ length: 31 }, (_, k) => ({ name: `d${k}`, value: "v" })) }, "invalid_dimensions"],
    ["a non-ASCII dimension value", { dimensions: [{ name: "Endpoint", value: "café" }] }, "invalid_dimensions"],
    ["a blank dimension value", { dimensions: [{ name: "Endpoint", value: "  " }] }, "invalid_dimensions"],
    ["a 1025-character dimension value", { dimensions: [{ name: "Endpoint", value: "v".repeat(1025) }] }, "invalid_dimensions"],
    ["a timestamp 15 days old", { timestampMs: NOW - 15 * 86_400_000 }, "timestamp_out_of_range"],
    ["a timestamp 3 hours ahead", { timestampMs: NOW + 3 * 3_600_000 }, "timestamp_out_of_range"],
  ] as Array<[string, DatumOverrides, string]>)("refuses %s", (_, over, reason) => {
    expect(invalidReason(datum(1, over), NOW)).toBe(reason);
  });

  it("accepts the edges: 30 dimensions, 255-character names, 14 days old, 2 hours ahead", () => {
    expect(invalidReason(datum(1, { dimensions: Array.from({ length: 30 }, (_, k) => ({ name: `d${k}`, value: "v".repeat(1024) })) }), NOW)).toBeUndefined();
    expect(invalidReason(datum(1, { name: "x".repeat(255) }), NOW)).toBeUndefined();
    expect(invalidReason(datum(1, { timestampMs: NOW - 14 * 86_400_000 }), NOW)).toBeUndefined();
    expect(invalidReason(datum(1, { timestampMs: NOW + 2 * 3_600_000 }), NOW)).toBeUndefined();
  });
});
