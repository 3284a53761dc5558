import { deequHistogramOrder } from "../../src/profiles/scalaHashMapOrder.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatJson, FormatError } from "../../src/formats/jsonFile.js";
import { distributionOf, parseStatistics, readStatisticsFile } from "../../src/formats/statisticsFormat.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";

const fixture = (name: string): string => join(import.meta.dirname, "../fixtures/sagemaker", name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dqstream-stats-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe("reading SageMaker's statistics.json", () => {
  it("reads Jackson-style files with doubles like 2048.0 and 0.0", async () => {
    const stats = await readStatisticsFile(fixture("statistics-sagemaker-style.json"));
    expect(stats.version).toBe(0);
    expect(stats.dataset.item_count).toBe(12);
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["Churn", "Integral"],
      ["Intl Mins", "Fractional"],
      ["State", "String"],
      ["Empty", "Unknown"],
    ]);
    expect(stats.features[2]?.string_statistics?.distinct_count).toBe(3);
  });

  it("rebuilds the distribution from kll.sketch.data with weight 2^i on level i", async () => {
    const stats = await readStatisticsFile(fixture("statistics-sagemaker-style.json"));
    const churn = distributionOf(stats.features[0]!)!;
    // level 0: 0,1,0,0 (weight 1) and level 1: 0,0,1,0 (weight 2) → 9 zeros and 3 ones by weight
    expect(churn.total).toBe(12);
    expect(churn.rank(0)).toBe(9);
    expect(churn.cdf(0)).toBe(0.75);
    expect(churn.rankExclusive(1)).toBe(9);
    expect(churn.cdf(1)).toBe(1);
    const mins = distributionOf(stats.features[1]!)!;
    // 18.4, 0, 9.2, 4.6 (×1), 13.8 (×2), 9.2 (×4)
    expect(mins.total).toBe(10);
    expect(mins.rank(9.2)).toBe(1 + 1 + 1 + 4);
    expect(mins.rankExclusive(9.2)).toBe(2);
    expect(distributionOf(stats.features[2]!)).toBeUndefined();
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    [
      "a string mean",
      {
        version: 0,
        dataset: { item_count: 1 },
        features: [
          {
            name: "a",
            inferred_type: "Integral",
            numerical_statistics: { common: { num_present: 1, num_missing: 0 }, mean: "1", sum: 1, std_dev: 0, min: 1, max: 1 },
          },
        ],
      },
      /\$\.features\[0\]\.numerical_statistics\.mean: .*number/,
    ],
    [
      "an Integral feature without numerical_statistics",
      { version: 0, dataset: { item_count: 1 }, features: [{ name: "a", inferred_type: "Integral" }] },
      /\$\.features\[0\]\.numerical_statistics: expected numerical_statistics for a Integral feature/,
    ],
    [
      "an unknown inferred_type",
      { version: 0, dataset: { item_count: 1 }, features: [{ name: "a", inferred_type: "Boolean" }] },
      /\$\.features\[0\]\.inferred_type: /,
    ],
    ["a missing dataset", { version: 0, features: [] }, /\$\.dataset: /],
    ["a negative count", { version: 0, dataset: { item_count: -1 }, features: [] }, /\$\.dataset\.item_count: expected a count ≥ 0/],
    [
      "a non-numeric sketch item",
      {
        version: 0,
        dataset: { item_count: 1 },
        features: [
          {
            name: "a",
            inferred_type: "Integral",
            numerical_statistics: {
              common: { num_present: 1, num_missing: 0 },
              mean: 1,
              sum: 1,
              std_dev: 0,
              min: 1,
              max: 1,
              distribution: { kll: { buckets: [], sketch: { parameters: { c: 0.64, k: 2048 }, data: [[1, "x"]] } } },
            },
          },
        ],
      },
      /\$\.features\[0\]\.numerical_statistics\.distribution\.kll\.sketch\.data\[0\]\[1\]: /,
    ],
  ];
  it.each(invalid)("rejects %s naming the file and the JSON path", async (_label, value, pattern) => {
    const file = await writeTemp("bad.json", JSON.stringify(value));
    const err = await readStatisticsFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((err as Error).message).toMatch(pattern);
  });

  it("rejects duplicate feature names and invalid JSON", async () => {
    const dup = await writeTemp(
      "dup.json",
      JSON.stringify({
        version: 0,
        dataset: { item_count: 0 },
        features: [
          { name: "a", inferred_type: "Unknown" },
          { name: "a", inferred_type: "Unknown" },
        ],
      }),
    );
    await expect(readStatisticsFile(dup)).rejects.toThrow(/\$\.features\[1\]\.name: duplicate feature name "a"/);
    const broken = await writeTemp("broken.json", '{"version": 0,');
    await expect(readStatisticsFile(broken)).rejects.toThrow(/broken\.json: not valid JSON/);
    await expect(readStatisticsFile(join(dir, "absent.json"))).rejects.toThrow(/absent\.json: cannot read: ENOENT/);
  });
});

describe("statistics we write", () => {
  function profileOf(values: number[], strings: string[]): DatasetProfile {
    const p = new DatasetProfile();
    const cols = p.columns(["x", "s"]);
    values.forEach((v, i) => p.addTextRow(cols, [String(v), strings[i % strings.length] as string]));
    return p;
  }

  it("load back into the same distribution (round trip through the file)", async () => {
    const values = Array.from({ length: 25_000 }, (_, i) => Math.sin(i) * 1000 + (i % 7));
    const profile = profileOf(values, ["a", "b", "c"]);
    const file = await writeTemp("ours.json", formatJson(toStatistics(profile)));
    const stats = await readStatisticsFile(file);
    const loaded = distributionOf(stats.features[0]!)!;
    const original = profile.features.get("x")!.kll.toDistribution();
    expect(Array.from(loaded.values)).toEqual(Array.from(original.values));
    expect(Array.from(loaded.cumulative)).toEqual(Array.from(original.cumulative));
    expect(loaded.total).toBe(25_000);
    // and the file is byte-stable: writing the parsed file again gives the same bytes
    expect(formatJson(parseStatistics("x", JSON.parse(await readFile(file, "utf8"))))).toBe(await readFile(file, "utf8"));
  });

  it("writes SageMaker's schema: kll parameters c 0.64 and k 2048, 10 buckets, string buckets in SageMaker's order", () => {
    const profile = profileOf([1, 2, 3, 4], ["b", "a", "b", "c"]);
    const stats = parseStatistics("generated", toStatistics(profile));
    const x = stats.features[0]!;
    expect(x.inferred_type).toBe("Integral");
    expect(x.numerical_statistics?.distribution?.kll.sketch?.parameters).toEqual({ c: 0.64, k: 2048 });
    expect(x.numerical_statistics?.distribution?.kll.buckets).toHaveLength(10);
    const s = stats.features[1]!;
    expect(s.string_statistics?.distinct_count).toBe(3);
    // Deequ's histogram order (src/profiles/scalaHashMapOrder.ts, deequHistogramOrder)
    expect(s.string_statistics?.distribution?.categorical.buckets).toEqual(
      deequHistogramOrder(s.name, ["a", "b", "c"]).map((value) => ({ value, count: value === "b" ? 2 : 1 })),
    );
    expect(s.string_statistics?.distribution?.categorical.buckets.map((b) => b.value)).not.toEqual(["a", "b", "c"].sort());
  });
});

describe("formatJson", () => {
  it("indents objects by 2 spaces and keeps primitive arrays on one line", () => {
    expect(formatJson({ a: [1, 2.5, "x"], b: [{ c: null }], d: {}, e: [] })).toBe(
      '{\n  "a": [1, 2.5, "x"],\n  "b": [\n    {\n      "c": null\n    }\n  ],\n  "d": {},\n  "e": []\n}\n',
    );
  });
  it("prints what JSON.parse reads back identically", () => {
    const v = { n: -0.1, big: 1e21, tiny: 5e-324, s: 'q"\n', nested: [[1, 2], [3]] };
    expect(JSON.parse(formatJson(v))).toEqual(v);
  });
});
