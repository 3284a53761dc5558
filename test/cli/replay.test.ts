import type { SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT, runCli } from "../support/cli.js";

const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
const EXPECTED = join(ROOT, "test/golden/replay/csv-start/expected/reports/churn/ten-minutes");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-replay-cli-"));
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

function dqstream(args: readonly string[], input?: string | Buffer): SpawnSyncReturns<string> {
  return runCli(tmp, args, input);
}

let n = 0;
const fresh = (): string => join(tmp, `reports-${++n}`);
const base = (reports: string): string[] => [
  "replay",
  "--statistics",
  STATS,
  "--constraints",
  CONS,
  "--reports",
  reports,
  "--window-seconds",
  "600",
  "--endpoint",
  "churn",
  "--schedule",
  "ten-minutes",
];

async function windowFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".json")).sort();
}

describe("dqstream replay (the built CLI)", () => {
  it("writes the golden reports and prints a summary, exit 0", async () => {
    const reports = fresh();
    const r = dqstream([...base(reports), CAPTURE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^replay: 1 input, 7 windows of 600 s/);
    expect(r.stdout).toMatch(/violations: 12 in 6 of 7 windows/);
    const out = join(reports, "churn/ten-minutes");
    const files = await windowFiles(out);
    expect(files).toEqual(await windowFiles(EXPECTED));
    for (const f of files)
      expect(await readFile(join(out, f), "utf8"), f).toBe(
        await readFile(join(EXPECTED, f), "utf8").then((t) => t.replaceAll('"test/golden/', `"${ROOT}test/golden/`)),
      );
  });

  it("reads gzip, globs and stdin with the same result", async () => {
    const gz = join(tmp, "gz");
    await mkdir(gz, { recursive: true });
    await writeFile(join(gz, "capture.jsonl.gz"), gzipSync(await readFile(CAPTURE)));
    const a = fresh();
    expect(dqstream([...base(a), join(gz, "*.jsonl.gz")]).status).toBe(0);
    const b = fresh();
    expect(dqstream([...base(b), "-"], await readFile(CAPTURE)).status).toBe(0);
    for (const f of await windowFiles(join(a, "churn/ten-minutes"))) {
      if (f.endsWith("window.json")) continue; // input positions name the file
      expect(await readFile(join(b, "churn/ten-minutes", f), "utf8")).toBe(await readFile(join(a, "churn/ten-minutes", f), "utf8"));
    }
  });

  it("takes settings from a YAML config file, flags winning, paths relative to the file", async () => {
    const dir = join(tmp, "cfg");
    await mkdir(dir, { recursive: true });
    await copyFile(STATS, join(dir, "statistics.json"));
    await copyFile(CONS, join(dir, "constraints.json"));
    await writeFile(
      join(dir, "replay.yaml"),
      "baseline:\n  statistics: statistics.json\n  constraints: constraints.json\nreports_dir: out\nwindow_seconds: 3600\nendpoint: from-file\n",
    );
    const r = dqstream(["replay", "--config", join(dir, "replay.yaml"), "--window-seconds", "600", CAPTURE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/7 windows of 600 s/);
    expect(existsSync(join(dir, "out/from-file/schedule/2026/11/01/00/10/window.json"))).toBe(true);
  });

  it("exit 2 for bad arguments and configuration, naming the flag or key", async () => {
    const reports = fresh();
    const cases: Array<[string[], RegExp]> = [
      [["replay", "--constraints", CONS, "--reports", reports, CAPTURE], /missing --statistics/],
      [[...base(reports).slice(0, -6), "--window-seconds", "30", CAPTURE], /--window-seconds: window_seconds: .*60/],
      [[...base(reports).slice(0, -6), "--window-seconds", "ten", CAPTURE], /--window-seconds: expected an integer, got "ten"/],
      [[...base(reports), "--output-columns-position", "MIDDLE", CAPTURE], /MIDDLE/],
      [[...base(reports).slice(0, -4), "--endpoint", "a/b", CAPTURE], /--endpoint: endpoint: /],
      [[...base(reports), join(tmp, "nothing-*.jsonl")], /no file matches/],
      [["replay", "--statistics", STATS], /missing required argument 'inputs'/],
    ];
    for (const [args, pattern] of cases) {
      const r = dqstream(args);
      expect(r.status, `${args.join(" ")}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const cfg = join(tmp, "bad.yaml");
    await writeFile(cfg, "baseline:\n  statistics: s.json\n  constraints: c.json\nreports_dir: r\nwindow_size: 60\n");
    const r = dqstream(["replay", "--config", cfg, CAPTURE]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${cfg}: unknown key window_size`);
  });

  it("exit 1 for an unreadable baseline or capture file, naming it, with no reports written", async () => {
    const reports = fresh();
    const missing = dqstream(["replay", "--statistics", join(tmp, "absent.json"), "--constraints", CONS, "--reports", reports, CAPTURE]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${join(tmp, "absent.json")}: cannot read: ENOENT`);
    const bad = join(tmp, "bad-stats.json");
    await writeFile(bad, JSON.stringify({ version: 0, dataset: { item_count: 1 }, features: [{ name: "a", inferred_type: "Integral" }] }));
    const invalid = dqstream(["replay", "--statistics", bad, "--constraints", CONS, "--reports", reports, CAPTURE]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/bad-stats\.json: \$\.features\[0\]\.numerical_statistics: /);
    const noInput = dqstream([...base(reports), join(tmp, "absent.jsonl")]);
    expect(noInput.status).toBe(1);
    expect(noInput.stderr).toContain("absent.jsonl: no such file");
    expect(existsSync(join(reports, "churn"))).toBe(false);
  });
});

describe("dqstream replay with nothing countable", () => {
  it("still accounts for every record: malformed counts in the summary, all of them dead-lettered", async () => {
    const input = join(tmp, "garbage.jsonl");
    await writeFile(input, 'garbage\n{"a":1}\n\n');
    const reports = fresh();
    const r = dqstream([...base(reports), input]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("0 windows of 600 s");
    expect(r.stdout).toContain("2 malformed");
    expect(r.stdout).toContain("2 of them in no window's report: no record had a usable event time");
    const letters = (await readFile(join(reports, "dead-letter/churn/ten-minutes/dead-letter.jsonl"), "utf8")).trim().split("\n");
    expect(letters.map((l) => (JSON.parse(l) as { reason: string }).reason)).toEqual(["invalid JSON", "not a capture record"]);
  });
});
