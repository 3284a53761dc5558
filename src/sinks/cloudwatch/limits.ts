import type { Datum } from "./datums.js";

/**
 * PutMetricData's limits (Amazon CloudWatch API Reference, PutMetricData and MetricDatum; checked
 * 2026-11, see docs/cloudwatch.md): "Each PutMetricData request is limited to 1 MB in size for
 * HTTP POST requests … no more than 1000 different metrics"; "up to 30 dimensions per metric";
 * "up to 150 values per metric" (Values/Counts); "Values must be in the range of -2^360 to 2^360 …
 * NaN, +Infinity, -Infinity are not supported"; timestamps "up to two weeks in the past and up to
 * two hours into the future"; MetricName 1–255 characters; Dimension Name 1–255 and Value 1–1024
 * ASCII characters, at least one non-blank, no control characters.
 * Moto does not enforce any of these, so dqstream does, before sending (test/sinks/cloudwatch).
 */
export interface PutMetricDataLimits {
  readonly maxDatums: number;
  readonly maxBodyBytes: number;
  readonly maxDimensions: number;
  readonly maxValues: number;
  readonly maxNameLength: number;
  readonly maxDimensionNameLength: number;
  readonly maxDimensionValueLength: number;
  readonly maxMagnitude: number;
  readonly maxAgeMs: number;
  readonly maxFutureMs: number;
}

export const PUT_METRIC_DATA_LIMITS: PutMetricDataLimits = Object.freeze({
  maxDatums: 1000,
  /**
   * Bound on the JSON body before gzip. 1 MB read as 10^6 bytes, 4.6 % under 1 MiB, which also
   * absorbs our size estimate's approximations (see datumBytes).
   */
  maxBodyBytes: 1_000_000,
  maxDimensions: 30,
  maxValues: 150,
  maxNameLength: 255,
  maxDimensionNameLength: 255,
  maxDimensionValueLength: 1024,
  maxMagnitude: 2 ** 360,
  maxAgeMs: 14 * 86_400_000,
  maxFutureMs: 2 * 3_600_000,
});

/** Why a datum can never be accepted, or undefined when it is valid at `nowMs`. */
export type InvalidReason = "invalid_name" | "invalid_dimensions" | "invalid_value" | "timestamp_out_of_range";

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export function invalidReason(d: Datum, nowMs: number, limits: PutMetricDataLimits = PUT_METRIC_DATA_LIMITS): InvalidReason | undefined {
  if (d.name.length < 1 || d.name.length > limits.maxNameLength) return "invalid_name";
  if (d.dimensions.length > limits.maxDimensions) return "invalid_dimensions";
  for (const dim of d.dimensions) {
    if (dim.name.length < 1 || dim.name.length > limits.maxDimensionNameLength || !PRINTABLE_ASCII.test(dim.name) || dim.name.startsWith(":"))
      return "invalid_dimensions";
    if (dim.value.length < 1 || dim.value.length > limits.maxDimensionValueLength || !PRINTABLE_ASCII.test(dim.value) || dim.value.trim() === "")
      return "invalid_dimensions";
  }
  const ok = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= limits.maxMagnitude;
  if (d.value !== undefined) {
    if (d.stats !== undefined || !ok(d.value)) return "invalid_value";
  } else if (d.stats !== undefined) {
    const s = d.stats;
    if (!ok(s.sampleCount) || s.sampleCount <= 0 || !ok(s.sum) || !ok(s.min) || !ok(s.max) || s.min > s.max) return "invalid_value";
  } else {
    return "invalid_value";
  }
  if (!Number.isFinite(d.timestampMs) || d.timestampMs < nowMs - limits.maxAgeMs || d.timestampMs > nowMs + limits.maxFutureMs) return "timestamp_out_of_range";
  return undefined;
}

/**
 * The datum as the AWS JSON 1.0 protocol carries it (what @aws-sdk/client-cloudwatch ≥ 3.949
 * sends): Timestamp in epoch seconds, StatisticValues' four members. Key order differs from the
 * SDK's but not the byte count.
 */
export function wireDatum(d: Datum): Record<string, unknown> {
  const out: Record<string, unknown> = {
    MetricName: d.name,
    Dimensions: d.dimensions.map((x) => ({ Name: x.name, Value: x.value })),
    Timestamp: d.timestampMs / 1000,
    Unit: d.unit,
  };
  if (d.value !== undefined) out["Value"] = d.value;
  if (d.stats !== undefined) out["StatisticValues"] = { SampleCount: d.stats.sampleCount, Sum: d.stats.sum, Minimum: d.stats.min, Maximum: d.stats.max };
  return out;
}

/** UTF-8 bytes of the datum in the request body, plus its separating comma. */
export function datumBytes(d: Datum): number {
  return Buffer.byteLength(JSON.stringify(wireDatum(d)), "utf8") + 1;
}

/** Bytes of a request body around its datums: {"Namespace":"…","MetricData":[…]}. */
export function envelopeBytes(namespace: string): number {
  return Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }), "utf8");
}
