import { deequHistogramOrder } from "../../src/profiles/scalaHashMapOrder.js";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes, formatCount, ProgressLine } from "../../src/cli/progress.js";
import { ensureBuilt, MAIN, ROOT, runCli } from "../support/cli.js";

const FIXTURES = join(ROOT, "test", "fixtures", "datasets");
const SMALL_CSV = join(FIXTURES, "small.csv");
const SMALL_JSONL = join(FIXTURES, "small.jsonl");

let tmp = "";

beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-cli-"));
});

afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

function dqstream(args: readonly string[], input?: string | Buffer): SpawnSyncReturns<string> {
  return runCli(tmp, args, input);
}

let outputs = 0;
/** A fresh output folder name (not created). */
function outDir(): string {
  return join(tmp, `out-${++outputs}`);
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
}

interface Common {
  num_present: number;
  num_missing: number;
}
interface Feature {
  name: string;
  inferred_type: string;
  numerical_statistics?: {
    common: Common;
    mean: number;
    sum: number;
    std_dev: number;
    min: number;
    max: number;
    distribution: { kll: { buckets: Array<{ lower_bound: number; upper_bound: number; count: number }> } };
  };
  string_statistics?: { common: Common; distinct_count: number; distribution: { categorical: { buckets: Array<{ value: string; count: number }> } } };
}
interface Statistics {
  version: number;
  dataset: { item_count: number };
  features: Feature[];
}
interface ConstraintFeature {
  name: string;
  inferred_type: string;
  completeness?: number;
  num_constraints?: { is_non_negative: boolean };
  string_constraints?: { domains: string[] };
}
interface Constraints {
  version: number;
  features: ConstraintFeature[];
  monitoring_config: Record<string, unknown>;
}

async function baselineFiles(dir: string): Promise<{ stats: Statistics; constraints: Constraints; files: string[] }> {
  const files = (await readdir(dir)).sort();
  const stats = (await readJson(join(dir, "statistics.json"))) as unknown as Statistics;
  const constraints = (await readJson(join(dir, "constraints.json"))) as unknown as Constraints;
  return { stats, constraints, files };
}

function feature(stats: Statistics, name: string): Feature {
  const f = stats.features.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no feature ${name} in ${stats.features.map((x) => x.name).join(", ")}`);
  return f;
}

function constraint(c: Constraints, name: string): ConstraintFeature {
  const f = c.features.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no constraint for ${name}`);
  return f;
}

function numeric(stats: Statistics, name: string): NonNullable<Feature["numerical_statistics"]> {
  const n = feature(stats, name).numerical_statistics;
  if (n === undefined) throw new Error(`${name} has no numerical_statistics`);
  return n;
}

function strings(stats: Statistics, name: string): NonNullable<Feature["string_statistics"]> {
  const s = feature(stats, name).string_statistics;
  if (s === undefined) throw new Error(`${name} has no string_statistics`);
  return s;
}

const FILES = ["baseline.json", "constraints.json", "statistics.json"];

describe("dqstream baseline: CSV with a header (test/fixtures/datasets/small.csv, computed by hand)", () => {
  let stats: Statistics;
  let constraints: Constraints;
  let run: SpawnSyncReturns<string>;
  let dir: string;

  beforeAll(async () => {
    dir = outDir();
    run = dqstream(["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--header", "--output", dir]);
    expect(run.stderr).not.toMatch(/error/i);
    ({ stats, constraints } = await baselineFiles(dir));
  });

  it("exits 0, writes the three files and prints a summary on stderr only", async () => {
    expect(run.status).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(FILES);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`baseline: 10 rows, 6 features from ${SMALL_CSV}`);
    expect(run.stderr).toContain("skipped: 0 malformed lines");
    expect(run.stderr).toContain(`wrote ${join(dir, "statistics.json")}, ${join(dir, "constraints.json")}, ${join(dir, "baseline.json")}`);
    expect(JSON.parse(await readFile(join(dir, "baseline.json"), "utf8"))).toBeTypeOf("object");
  });

  it("has item_count and the features in column order", () => {
    expect(stats.version).toBe(0);
    expect(stats.dataset.item_count).toBe(10);
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["id", "Integral"],
      ["price", "Fractional"],
      // "true"/"false" are Boolean values, and SageMaker has no Boolean type
      ["flag", "String"],
      // " 12" and "+1" match Deequ's Integral pattern
      ["qty", "Integral"],
      ["color", "String"],
      ["note", "String"],
    ]);
  });

  it("has the numerical statistics of complete and partial columns", () => {
    const id = numeric(stats, "id");
    expect(id.common).toEqual({ num_present: 10, num_missing: 0 });
    expect([id.sum, id.min, id.max, id.mean]).toEqual([55, 1, 10, 5.5]);
    // population standard deviation of 1..10: √(99/12)
    expect(id.std_dev).toBeCloseTo(Math.sqrt(8.25), 12);

    const price = numeric(stats, "price");
    expect(price.common).toEqual({ num_present: 8, num_missing: 2 });
    // 1.5 + 2.5 + 4.5 − 0.5 + 6 + 8.5 + 9 + 10
    expect(price.sum).toBe(41.5);
    expect(price.min).toBe(-0.5);
    expect(price.max).toBe(10);
    expect(price.mean).toBeCloseTo(41.5 / 8, 12);

    const qty = numeric(stats, "qty");
    expect(qty.common).toEqual({ num_present: 10, num_missing: 0 });
    // 12 + 1 + 3 + 4 + … + 10
    expect([qty.sum, qty.min, qty.max, qty.mean]).toEqual([65, 1, 12, 6.5]);

    for (const [name, present] of [
      ["id", 10],
      ["price", 8],
      ["qty", 10],
    ] as const) {
      const buckets = numeric(stats, name).distribution.kll.buckets;
      expect(buckets).toHaveLength(10);
      expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(present);
    }
  });

  it("has the string statistics", () => {
    const flag = strings(stats, "flag");
    expect(flag.common).toEqual({ num_present: 10, num_missing: 0 });
    expect(flag.distinct_count).toBe(2);
    // in Deequ's histogram order, as SageMaker lists them (src/profiles/scalaHashMapOrder.ts)
    expect(flag.distribution.categorical.buckets).toEqual(deequHistogramOrder("flag", ["false", "true"]).map((value) => ({ value, count: 5 })));
    const color = strings(stats, "color");
    expect(color.distinct_count).toBe(2);
    const colorCounts: Record<string, number> = { red: 6, blue: 4 };
    expect(color.distribution.categorical.buckets).toEqual(
      deequHistogramOrder("color", ["red", "blue"]).map((value) => ({ value, count: colorCounts[value] })),
    );
    const note = strings(stats, "note");
    expect(note.common).toEqual({ num_present: 2, num_missing: 8 });
    expect(note.distinct_count).toBe(2);
  });

  it("suggests constraints: completeness, non-negativity and domains", () => {
    expect(constraints.version).toBe(0);
    expect(constraints.features.map((f) => f.name)).toEqual(["id", "price", "flag", "qty", "color", "note"]);
    expect(constraint(constraints, "id")).toEqual({ name: "id", inferred_type: "Integral", completeness: 1, num_constraints: { is_non_negative: true } });
    // p = 0.8, n = 10: 0.8 − 1.96·√(0.8·0.2/10) = 0.5520… → 0.55
    expect(constraint(constraints, "price")).toEqual({
      name: "price",
      inferred_type: "Fractional",
      completeness: 0.55,
      num_constraints: { is_non_negative: false },
    });
    expect(constraint(constraints, "qty").num_constraints).toEqual({ is_non_negative: true });
    // domains in the buckets' order, as SageMaker's
    expect(constraint(constraints, "flag")).toEqual({
      name: "flag",
      inferred_type: "String",
      completeness: 1,
      string_constraints: { domains: deequHistogramOrder("flag", ["false", "true"]) },
    });
    expect(constraint(constraints, "color").string_constraints).toEqual({ domains: deequHistogramOrder("color", ["red", "blue"]) });
    // p = 0.2 ≤ 0.2: p itself; two values seen once each: no domain
    expect(constraint(constraints, "note")).toEqual({ name: "note", inferred_type: "String", completeness: 0.2 });
    expect(constraints.monitoring_config).toMatchObject({ evaluate_constraints: "Enabled", emit_metrics: "Enabled" });
  });
});

describe("dqstream baseline: other inputs", () => {
  let reference: string;

  beforeAll(async () => {
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(0);
    reference = await readFile(join(dir, "statistics.json"), "utf8");
  });

  it("a header is the default", async () => {
    const stats = JSON.parse(reference) as Statistics;
    expect(stats.features.map((f) => f.name)).toEqual(["id", "price", "flag", "qty", "color", "note"]);
  });

  it("--no-header names the columns _c0, _c1, … and counts the first line as data", async () => {
    const csv = (await readFile(SMALL_CSV, "utf8")).split("\n").slice(1).join("\n");
    const file = join(tmp, "no-header.csv");
    await writeFile(file, csv);
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--no-header", "--output", dir]);
    expect(run.status).toBe(0);
    const { stats, files } = await baselineFiles(dir);
    expect(files).toEqual(FILES);
    expect(stats.dataset.item_count).toBe(10);
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["_c0", "Integral"],
      ["_c1", "Fractional"],
      ["_c2", "String"],
      ["_c3", "Integral"],
      ["_c4", "String"],
      ["_c5", "String"],
    ]);
    expect(numeric(stats, "_c3").sum).toBe(65);
  });

  it("without --no-header the first line of a header-less file is the header", async () => {
    const dir = outDir();
    const file = join(tmp, "no-header-2.csv");
    await writeFile(file, "1,2\n3,4\n");
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(0);
    const { stats } = await baselineFiles(dir);
    expect(stats.dataset.item_count).toBe(1);
    expect(stats.features.map((f) => f.name)).toEqual(["1", "2"]);
  });

  it("reads JSON Lines: dotted names for nested objects, null and absent keys missing, features sorted by name (Spark's JSON schema order)", async () => {
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", SMALL_JSONL, "--format", "jsonl", "--output", dir]);
    expect(run.status).toBe(0);
    const { stats, constraints, files } = await baselineFiles(dir);
    expect(files).toEqual(FILES);
    expect(stats.dataset.item_count).toBe(10);
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["flag", "String"],
      ["id", "Integral"],
      ["meta.color", "String"],
      ["meta.size", "Integral"],
      ["price", "Fractional"],
      ["tags", "String"],
    ]);
    const price = numeric(stats, "price");
    // one null, one absent
    expect(price.common).toEqual({ num_present: 8, num_missing: 2 });
    expect([price.sum, price.min, price.max]).toEqual([41.75, -1, 10]);
    const size = numeric(stats, "meta.size");
    expect(size.common).toEqual({ num_present: 9, num_missing: 1 });
    expect(size.sum).toBe(61);
    expect(strings(stats, "tags").common).toEqual({ num_present: 2, num_missing: 8 });
    expect(
      strings(stats, "tags")
        .distribution.categorical.buckets.map((b) => b.value)
        .sort(),
    ).toEqual(['["a","b"]', '["a"]']);
    expect(constraint(constraints, "meta.color").string_constraints).toEqual({ domains: deequHistogramOrder("meta.color", ["red", "blue"]) });
    expect(constraint(constraints, "flag").string_constraints).toEqual({ domains: deequHistogramOrder("flag", ["false", "true"]) });
    expect(constraint(constraints, "price").completeness).toBe(0.55);
    // p = 0.9, n = 10: 0.9 − 1.96·√(0.9·0.1/10) = 0.7140… → 0.71
    expect(constraint(constraints, "meta.size").completeness).toBe(0.71);
  });

  it("reads gzip input, named .gz or not, to the same statistics", async () => {
    const gz = gzipSync(await readFile(SMALL_CSV));
    for (const name of ["small.csv.gz", "small-gzipped.csv"]) {
      const file = join(tmp, name);
      await writeFile(file, gz);
      const dir = outDir();
      const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
      expect(run.status).toBe(0);
      expect(await readFile(join(dir, "statistics.json"), "utf8")).toBe(reference);
    }
  });

  it("reads standard input with --dataset -, plain or gzip", async () => {
    for (const input of [await readFile(SMALL_CSV, "utf8"), gzipSync(await readFile(SMALL_CSV))]) {
      const dir = outDir();
      const run = dqstream(["baseline", "--dataset", "-", "--format", "csv", "--output", dir], input);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain("from stdin");
      expect(await readFile(join(dir, "statistics.json"), "utf8")).toBe(reference);
      expect(JSON.stringify(await readJson(join(dir, "baseline.json")))).toContain('"stdin"');
    }
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", "-", "--format", "jsonl", "--output", dir], await readFile(SMALL_JSONL));
    expect(run.status).toBe(0);
    expect((await baselineFiles(dir)).stats.dataset.item_count).toBe(10);
  });

  it("an empty dataset is an error (issue 9: an empty baseline passes every check), and writes nothing", async () => {
    const file = join(tmp, "empty.csv");
    await writeFile(file, "");
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${file}: no rows profiled: the input is empty\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it("CSV headers whose renamed duplicates collide still give one feature per column", async () => {
    const file = join(tmp, "dup-header.csv");
    await writeFile(file, "a,a,a1,\n1,2,3,4\n5,6,7,8\n");
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(0);
    const { stats } = await baselineFiles(dir);
    expect(stats.features.map((f) => [f.name, f.numerical_statistics?.common])).toEqual([
      ["a0", { num_present: 2, num_missing: 0 }],
      ["a1", { num_present: 2, num_missing: 0 }],
      ["a1_2", { num_present: 2, num_missing: 0 }],
      ["_c3", { num_present: 2, num_missing: 0 }],
    ]);
  });
});

describe("dqstream baseline: malformed lines", () => {
  it("skips and counts them, names the reasons and the first line numbers on stderr, and keeps every good row", async () => {
    const lines = ["id,name,amount"];
    let good = 0;
    for (let i = 1; i <= 40; i++) {
      if (i % 5 === 0) lines.push(`${i},"bad"${i},1`);
      else if (i === 7 || i === 21) lines.push(`${i},short`);
      else {
        lines.push(`${i},"name ${i}",${i}`);
        good++;
      }
    }
    lines.push("{this,is,ok}");
    good++;
    const file = join(tmp, "malformed.csv");
    await writeFile(file, `${lines.join("\r\n")}\r\n`);
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(0);
    // invalid quoting on data rows 5, 10, …, 40 = file lines 6, 11, …, 41
    expect(run.stderr).toContain("skipped: 10 malformed lines");
    expect(run.stderr).toContain('8 × invalid quoting (lines 6, 11, 16, 21, 26, …): unexpected "5" after the closing quote of field 2');
    expect(run.stderr).toContain("2 × wrong field count (lines 8, 22): expected 3 fields, found 2");
    expect(run.stderr).toContain(`baseline: ${good} rows, 3 features`);
    const { stats } = await baselineFiles(dir);
    expect(stats.dataset.item_count).toBe(good);
    expect(good).toBe(31);
  });

  it("reports one skipped line in the singular", async () => {
    const file = join(tmp, "one-bad.jsonl");
    await writeFile(file, '{"a":1}\n{"a":\n{"a":2}\n');
    const run = dqstream(["baseline", "--dataset", file, "--format", "jsonl", "--output", outDir()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("skipped: 1 malformed line\n");
    expect(run.stderr).toMatch(/1 × invalid JSON \(line 2\): /);
    expect(run.stderr).toContain("baseline: 2 rows, 1 features");
  });

  it("reads the malformed CSV fixture", async () => {
    const run = dqstream(["baseline", "--dataset", join(FIXTURES, "malformed.csv"), "--format", "csv", "--output", outDir()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("skipped: 3 malformed lines");
    expect(run.stderr).toContain("2 × invalid quoting (lines 4, 9)");
    expect(run.stderr).toContain("1 × wrong field count (line 6): expected 3 fields, found 4");
    expect(run.stderr).toContain("baseline: 7 rows, 3 features");
  });
});

describe("dqstream baseline: errors", () => {
  const ok = ["--dataset", SMALL_CSV, "--format", "csv"];

  it.each([
    ["missing --dataset", ["baseline", "--format", "csv", "--output", "X"], "--dataset"],
    ["missing --format", ["baseline", "--dataset", SMALL_CSV, "--output", "X"], "--format"],
    ["missing --output", ["baseline", ...ok], "--output"],
    ["--format xml", ["baseline", "--dataset", SMALL_CSV, "--format", "xml", "--output", "X"], "--format"],
    ["--header with jsonl", ["baseline", "--dataset", SMALL_JSONL, "--format", "jsonl", "--header", "--output", "X"], "--header"],
    ["--no-header with jsonl", ["baseline", "--dataset", SMALL_JSONL, "--format", "jsonl", "--no-header", "--output", "X"], "--no-header"],
    ["--category-cap 0", ["baseline", ...ok, "--output", "X", "--category-cap", "0"], "--category-cap"],
    ["--category-cap abc", ["baseline", ...ok, "--output", "X", "--category-cap", "abc"], "--category-cap"],
    ["--category-cap 1.5", ["baseline", ...ok, "--output", "X", "--category-cap", "1.5"], "--category-cap"],
    ["--output-columns-position MIDDLE", ["baseline", ...ok, "--output", "X", "--output-columns-position", "MIDDLE"], "--output-columns-position"],
    ["an unknown option", ["baseline", ...ok, "--output", "X", "--frobnicate"], "--frobnicate"],
    ["an unknown command", ["frobnicate"], "frobnicate"],
  ])("%s: exit 2, a message naming the option, nothing written", async (_, args, option) => {
    const dir = outDir();
    const run = dqstream(args.map((a) => (a === "X" ? dir : a)));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: /m);
    expect(run.stderr).toContain(option);
    expect(existsSync(dir)).toBe(false);
  });

  it("no command at all: exit 2 with the usage", () => {
    const run = dqstream([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: dqstream");
  });

  it("a missing dataset file: exit 1, a message naming the file, no output written", () => {
    const dir = outDir();
    const missing = join(tmp, "no-such-dataset.csv");
    const run = dqstream(["baseline", "--dataset", missing, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${missing}: no such file\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it("a corrupt gzip dataset: exit 1, a message naming the file, no output written", async () => {
    const file = join(tmp, "corrupt.csv.gz");
    const gz = gzipSync("a,b\n".repeat(50_000));
    await writeFile(file, gz.subarray(0, gz.length >> 1));
    const dir = outDir();
    const run = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: ${file}: corrupt gzip data`);
    expect(existsSync(dir)).toBe(false);
  });

  it("an --output that cannot be created: exit 1, a one-line message naming it", async () => {
    const file = join(tmp, "a-plain-file");
    await writeFile(file, "");
    const dir = join(file, "sub");
    const run = dqstream(["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: .*a-plain-file\/sub/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("a directory as dataset: exit 1", () => {
    const run = dqstream(["baseline", "--dataset", tmp, "--format", "csv", "--output", outDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${tmp}: is a directory`);
  });
});

describe("dqstream help", () => {
  it("dqstream --help exits 0 and lists the baseline command", () => {
    const run = dqstream(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: dqstream");
    expect(run.stdout).toContain("baseline");
  });

  it("dqstream baseline --help exits 0 and lists the options", () => {
    const run = dqstream(["baseline", "--help"]);
    expect(run.status).toBe(0);
    for (const option of ["--dataset", "--format", "--header", "--no-header", "--output-columns-position", "--output", "--category-cap"]) {
      expect(run.stdout).toContain(option);
    }
  });

  it("dqstream --version prints the package version", async () => {
    const run = dqstream(["--version"]);
    expect(run.status).toBe(0);
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(run.stdout.trim()).toBe(pkg.version);
  });
});

describe("progress line", () => {
  function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; writes: string[] } {
    const writes: string[] = [];
    const stream = {
      isTTY,
      write(s: string) {
        writes.push(s);
        return true;
      },
    };
    return { stream: stream as unknown as NodeJS.WriteStream, writes };
  }

  it("draws rows, rows/s and bytes on a terminal, and clears the line", () => {
    const { stream, writes } = fakeStream(true);
    const p = new ProgressLine(stream, 0, 0);
    p.update(1234, 5 * 1024 * 1024);
    expect(writes).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- the progress line starts with the terminal's erase-line sequence
    expect(writes[0]).toMatch(/^\r\x1b\[K1,234 rows · .+ rows\/s · 5\.0 MiB$/);
    p.update(2000, 10);
    // eslint-disable-next-line no-control-regex -- as above
    expect(writes[1]).toMatch(/^\r\x1b\[K2,000 rows · .+ rows\/s · 10 B$/);
    p.clear();
    expect(writes.at(-1)).toBe("\r\x1b[K");
    // nothing left to clear
    p.clear();
    expect(writes).toHaveLength(3);
  });

  it("shows nothing before the delay, and redraws at most once an interval", () => {
    const early = fakeStream(true);
    const p = new ProgressLine(early.stream, 1e9, 0);
    p.update(1, 1);
    p.clear();
    expect(early.writes).toEqual([]);

    const rare = fakeStream(true);
    const q = new ProgressLine(rare.stream, 0, 1e9);
    q.update(1, 1);
    q.update(2, 2);
    q.update(3, 3);
    expect(rare.writes).toHaveLength(1);
    expect(rare.writes[0]).toContain("1 rows");
  });

  it("is silent when the stream is not a terminal", () => {
    const { stream, writes } = fakeStream(false);
    const p = new ProgressLine(stream, 0, 0);
    p.update(1, 1);
    p.clear();
    expect(writes).toEqual([]);
  });

  it("formats counts and sizes", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536 * 1024)).toBe("1.5 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.00 GiB");
  });

  // util-linux script(1), and a pseudo-terminal it can open
  const hasScript = spawnSync("script", ["-qec", "true", "/dev/null"], { stdio: "ignore", timeout: 10_000 }).status === 0;

  it("shows on a terminal for a long input (under script(1)), and not when stderr is a pipe", async () => {
    // never skipped: without script(1) (util-linux, on every Debian machine) the test fails and says why
    expect(hasScript, "script(1) from util-linux must be able to open a pseudo-terminal for this test").toBe(true);
    // The producer feeds 300,000 rows in 10 batches 250 ms apart, so the run lasts well over the
    // 1 s delay whatever the machine's speed, and batches keep arriving after it.
    const producer = join(tmp, "producer.mjs");
    await writeFile(
      producer,
      `const batches = 10, per = 30000;
let i = 0;
process.stdout.write("id,value,category\\n");
function batch() {
  let s = "";
  for (let j = 0; j < per; j++, i++) s += i + "," + ((i * 7919) % 1000) / 10 + ",c" + (i % 7) + "\\n";
  process.stdout.write(s, () => { if (i < batches * per) setTimeout(batch, 250); });
}
batch();
`,
    );
    const dir = outDir();
    const cmd = `'${process.execPath}' '${producer}' | '${process.execPath}' '${MAIN}' baseline --dataset - --format csv --output '${dir}'`;
    const run = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    expect(run.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- as above
    expect(run.stdout).toMatch(/\r\x1b\[K[\d,]+ rows · [\d,]+ rows\/s · [\d.]+ (B|KiB|MiB)/);
    // the summary follows a cleared line
    expect(run.stdout).toContain("\r\x1b[Kbaseline: 300,000 rows, 3 features from stdin");
    expect((await baselineFiles(dir)).stats.dataset.item_count).toBe(300_000);

    const piped = spawnSync("sh", ["-c", cmd.replace(`--output '${dir}'`, `--output '${outDir()}'`)], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
    expect(piped.status).toBe(0);
    expect(piped.stderr).not.toContain("\x1b[K");
    expect(piped.stderr).toContain("baseline: 300,000 rows");
  });
});

describe("dqstream baseline --threads (CSV columns shared across worker threads)", () => {
  it("writes byte-identical files whatever the thread count, also with malformed lines, quotes, stdin and gzip", async () => {
    const lines = ["id,amount,city,flag,score,note"];
    for (let i = 0; i < 30_000; i++) {
      const note = i % 97 === 0 ? `"multi\nline, ${i}"` : i % 13 === 0 ? `"quoted, ${i}"` : `n${i % 50}`;
      lines.push(`${i},${(i * 37) % 1000}.${i % 100},${["Lisbon", "Oslo", "Lima", ""][i % 4]},${i % 3 === 0},${Math.sin(i).toFixed(6)},${note}`);
      if (i % 5000 === 17) lines.push("broken,row");
      if (i % 7000 === 3) lines.push('9,"x"y,z,true,1,2');
    }
    const text = `${lines.join("\r\n")}\r\n`;
    const file = join(tmp, "threads.csv");
    await writeFile(file, text);
    const outs: string[] = [];
    for (const threads of ["1", "2", "3"]) {
      const out = outDir();
      const r = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", out, "--threads", threads]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/skipped: 11 malformed lines/);
      outs.push(out);
    }
    const viaStdin = outDir();
    expect(dqstream(["baseline", "--dataset", "-", "--format", "csv", "--output", viaStdin, "--threads", "2"], gzipSync(Buffer.from(text))).status).toBe(0);
    for (const f of ["statistics.json", "constraints.json"]) {
      const reference = await readFile(join(outs[0] as string, f), "utf8");
      for (const o of [...outs.slice(1), viaStdin]) expect(await readFile(join(o, f), "utf8"), `${o}/${f}`).toBe(reference);
    }
  });

  it("reports a malformed header from a worker thread as exit 1 naming the file", async () => {
    const file = join(tmp, "bad-header-threads.csv");
    await writeFile(file, 'a,"b"x,c\n1,2,3\n');
    const out = outDir();
    const r = dqstream(["baseline", "--dataset", file, "--format", "csv", "--output", out, "--threads", "2"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: line 1: the header line is malformed`);
    expect(existsSync(out)).toBe(false);
  });
});
