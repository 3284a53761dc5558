/**
 * The accuracy promises of `dqstream baseline` (issue 2), each checked against exact values the
 * test computes itself from the raw data, through the whole path: CSV text → reader → profile →
 * statistics.json text → parsed file.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { profileDataset } from "../../src/baseline/profileDataset.js";
import { formatJson } from "../../src/formats/jsonFile.js";
import { distributionOf, parseStatistics, type FeatureStatistics } from "../../src/formats/statisticsFormat.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { InputBytes } from "../../src/records/inputBytes.js";
import { mulberry32, normal } from "../support/random.js";

function inputOf(text: string): InputBytes {
  const bytes = Buffer.from(text);
  return { chunks: Readable.from(chunked(bytes, 1 << 16)), bytesRead: () => bytes.length };
}
function* chunked(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** Runs the baseline path on CSV columns and returns the parsed statistics.json. */
async function baselineOf(columns: Record<string, Array<string>>): Promise<Map<string, FeatureStatistics> & { itemCount: number }> {
  const names = Object.keys(columns);
  const rows = (columns[names[0] as string] as string[]).length;
  const lines = [names.join(",")];
  for (let i = 0; i < rows; i++) lines.push(names.map((n) => (columns[n] as string[])[i]).join(","));
  const { profile } = await profileDataset(inputOf(`${lines.join("\n")}\n`), { format: "csv", header: true });
  const stats = parseStatistics("generated", JSON.parse(formatJson(toStatistics(profile))));
  const out = new Map(stats.features.map((f) => [f.name, f])) as Map<string, FeatureStatistics> & { itemCount: number };
  out.itemCount = stats.dataset.item_count;
  return out;
}

/** Exact Σx, Σx² of values that are integers / scale (scale a power of 2 or 10) as BigInt. */
function exactMoments(values: number[], scale: number): { n: number; sum: bigint; sumSq: bigint } {
  let sum = 0n;
  let sumSq = 0n;
  for (const v of values) {
    const k = BigInt(Math.round(v * scale));
    sum += k;
    sumSq += k * k;
  }
  return { n: values.length, sum, sumSq };
}

/** Ratio of two BigInts as a double, with ~30 significant digits of headroom before rounding. */
function ratio(num: bigint, den: bigint): number {
  const neg = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const shift = 100n;
  const q = (a << shift) / b;
  const v = Number(q) / 2 ** 100;
  return neg ? -v : v;
}

function relErr(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

const N = 200_000;
const rand = mulberry32(20261126);
const gauss = normal(rand);

// Values exactly representable as doubles (multiples of 1/1024), so the exact sum is computable.
const fractional = Array.from({ length: N }, () => Math.round((gauss() * 50 + 500) * 1024) / 1024);
const integral = Array.from({ length: N }, () => Math.floor(rand() * 1000) - 300);
const lognormal = Array.from({ length: N }, () => Math.round(Math.exp(gauss() * 1.2 + 3) * 1024) / 1024);
const ties = Array.from({ length: N }, () => Math.floor(Math.abs(gauss()) * 3)); // 0..~12, heavy ties
const missingMask = Array.from({ length: N }, () => rand() < 0.07);

describe("baseline accuracy against exact values", async () => {
  const stats = await baselineOf({
    fractional: fractional.map((v, i) => (missingMask[i] ? "" : String(v))),
    integral: integral.map(String),
    lognormal: lognormal.map(String),
    ties: ties.map(String),
  });
  const present = (name: string): number[] =>
    name === "fractional" ? fractional.filter((_, i) => !missingMask[i]) : (({ integral, lognormal, ties } as Record<string, number[]>)[name] as number[]);

  it("item_count, num_present and num_missing are exact", () => {
    expect(stats.itemCount).toBe(N);
    const f = stats.get("fractional")!.numerical_statistics!;
    const missing = missingMask.filter(Boolean).length;
    expect(f.common).toEqual({ num_present: N - missing, num_missing: missing });
    expect(stats.get("integral")!.numerical_statistics!.common).toEqual({ num_present: N, num_missing: 0 });
  });

  it.each(["fractional", "integral", "lognormal", "ties"])("%s: sum, min, max exact; mean and std_dev within 1e-9", (name) => {
    const values = present(name);
    const s = stats.get(name)!.numerical_statistics!;
    const scale = name === "integral" || name === "ties" ? 1 : 1024;
    const m = exactMoments(values, scale);
    const n = BigInt(m.n);
    expect(s.sum).toBe(ratio(m.sum, BigInt(scale)));
    expect(s.min).toBe(values.reduce((a, b) => Math.min(a, b)));
    expect(s.max).toBe(values.reduce((a, b) => Math.max(a, b)));
    expect(relErr(s.mean, ratio(m.sum, n * BigInt(scale)))).toBeLessThanOrEqual(1e-9);
    // population variance = (n·Σx² − (Σx)²) / (n²·scale²), exactly
    const variance = ratio(n * m.sumSq - m.sum * m.sum, n * n * BigInt(scale) * BigInt(scale));
    expect(relErr(s.std_dev, Math.sqrt(variance))).toBeLessThanOrEqual(1e-9);
  });

  it.each(["fractional", "integral", "lognormal", "ties"])("%s: each of the 10 KLL bucket counts within 0.5 percent of item_count", (name) => {
    const values = present(name);
    const buckets = stats.get(name)!.numerical_statistics!.distribution!.kll.buckets;
    expect(buckets).toHaveLength(10);
    buckets.forEach((b, i) => {
      const last = i === buckets.length - 1;
      const exact = values.filter((v) => v >= b.lower_bound && (last ? v <= b.upper_bound : v < b.upper_bound)).length;
      expect(Math.abs(b.count - exact)).toBeLessThanOrEqual(0.005 * N);
    });
    expect(buckets.reduce((t, b) => t + b.count, 0)).toBe(values.length);
  });

  it.each(["fractional", "integral", "lognormal", "ties"])("%s: the CDF rebuilt from the written sketch is within 0.01 of the exact empirical CDF", (name) => {
    const values = Float64Array.from(present(name)).sort();
    const dist = distributionOf(stats.get(name)!)!;
    expect(dist.total).toBe(values.length);
    // Both CDFs are right-continuous step functions jumping only at data values, so the supremum
    // of their difference is attained at a distinct data value.
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      if (i + 1 < values.length && values[i + 1] === values[i]) continue;
      worst = Math.max(worst, Math.abs(dist.cdf(values[i] as number) - (i + 1) / values.length));
    }
    expect(worst).toBeLessThanOrEqual(0.01);
  });
});

describe("distinct_count accuracy (Deequ's HyperLogLog++, p = 9, as SageMaker: standard error 1.04/√512 = 4.6 %)", () => {
  it.each([10_000, 100_000, 1_000_000])("within 14 percent (3σ) at %d distinct values", async (distinct) => {
    const r = mulberry32(distinct);
    // each distinct value appears once or twice, in shuffled order
    const values: string[] = [];
    for (let i = 0; i < distinct; i++) {
      const v = `user-${i.toString(36)}-${Math.floor(r() * 1e9)}`;
      values.push(v);
      if (r() < 0.3) values.push(v);
    }
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [values[i], values[j]] = [values[j] as string, values[i] as string];
    }
    const stats = await baselineOf({ id: values });
    const s = stats.get("id")!;
    expect(s.inferred_type).toBe("String");
    expect(relErr(s.string_statistics!.distinct_count, distinct)).toBeLessThanOrEqual(0.14);
  });

  it("is close for small counts (linear counting: SageMaker says 53 for 54 states), an estimate beyond", async () => {
    const small = Array.from({ length: 5000 }, (_, i) => `v${i % 77}`);
    expect(Math.abs((await baselineOf({ v: small })).get("v")!.string_statistics!.distinct_count - 77)).toBeLessThanOrEqual(3);
    const more = Array.from({ length: 5000 }, (_, i) => `v${i % 777}`);
    expect(relErr((await baselineOf({ v: more })).get("v")!.string_statistics!.distinct_count, 777)).toBeLessThanOrEqual(0.14);
  });
});
