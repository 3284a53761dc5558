/**
 * Golden files for `dqstream replay`: every file the run writes under the reports folder
 * (statistics.json, constraint_violations.json, window.json per window, the dead letters, files a
 * postprocess hook writes) and the printed summary, compared byte for byte. Inputs come from
 * test/golden/replay/make-inputs.mjs. Regenerate after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 * and review the diff.
 */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaseline } from "../../src/cli/baselineCommand.js";
import { formatReplaySummary, resolveReplayConfig } from "../../src/cli/replayCommand.js";
import { runReplay } from "../../src/engine/runReplay.js";
import { silentLogger } from "../../src/telemetry/logger.js";

const here = join(import.meta.dirname, "replay");
const update = process.env["UPDATE_GOLDEN"] === "1";
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
const csvBaseline = { statistics: "test/golden/baseline/csv-header/statistics.json", constraints: "test/golden/baseline/csv-header/constraints.json" };

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-replay-golden-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

interface Case {
  name: string;
  inputs: string[];
  flags: Record<string, string>;
}

const cases: Case[] = [
  {
    name: "csv-start",
    inputs: ["test/golden/replay/csv-start/input/capture.jsonl"],
    flags: { ...csvBaseline, windowSeconds: "600", endpoint: "churn", schedule: "ten-minutes" },
  },
  { name: "json", inputs: ["test/golden/replay/json/input/capture.jsonl"], flags: { config: "test/golden/replay/json/config.yaml" } },
  // SageMaker's rule on the same input: keys sorted as text take the baseline's names by position,
  // which an unsorted baseline turns into type and drift violations (window.json lists the moves)
  { name: "json-sorted-position", inputs: ["test/golden/replay/json/input/capture.jsonl"], flags: { ...csvBaseline, windowSeconds: "600" } },
  { name: "base64", inputs: ["test/golden/replay/base64/input/capture.jsonl"], flags: { ...csvBaseline, windowSeconds: "600" } },
  {
    name: "no-header-end",
    inputs: ["test/golden/replay/no-header-end/input/capture.jsonl"],
    // output_columns_position END comes from baseline.json beside the statistics
    flags: {
      statistics: "test/golden/replay/no-header-end/baseline/statistics.json",
      constraints: "test/golden/replay/no-header-end/baseline/constraints.json",
      windowSeconds: "600",
    },
  },
  {
    name: "late-malformed",
    inputs: ["test/golden/replay/late-malformed/input/a.jsonl", "test/golden/replay/late-malformed/input/b.jsonl"],
    flags: { ...csvBaseline, windowSeconds: "600", allowedLatenessSeconds: "120" },
  },
  { name: "hooks", inputs: ["test/golden/replay/hooks/input/capture.jsonl"], flags: { config: "test/golden/replay/hooks/config.yaml" } },
  {
    name: "chi-squared",
    inputs: ["test/golden/replay/csv-start/input/capture.jsonl"],
    flags: { statistics: csvBaseline.statistics, constraints: "test/golden/replay/chi-squared/constraints.json", windowSeconds: "600" },
  },
];

async function replay(c: Case, reports: string): Promise<string> {
  const config = await resolveReplayConfig({ ...c.flags, reports });
  const summary = await runReplay(config, c.inputs, silentLogger());
  return formatReplaySummary(config, c.inputs, summary).replaceAll(reports, "<reports>");
}

async function compareTree(actualDir: string, expectedDir: string): Promise<void> {
  const actual = await listFiles(actualDir);
  if (update) {
    await rm(expectedDir, { recursive: true, force: true });
    for (const f of actual) {
      await mkdir(join(expectedDir, f, ".."), { recursive: true });
      await writeFile(join(expectedDir, f), await readFile(join(actualDir, f)));
    }
  }
  expect(actual).toEqual(await listFiles(expectedDir));
  for (const f of actual) expect(await readFile(join(actualDir, f), "utf8"), f).toBe(await readFile(join(expectedDir, f), "utf8"));
}

describe("replay golden files", () => {
  it("the header-less baseline (output columns END) of no-header-end", async () => {
    const out = join(tmp, "no-header-baseline");
    await runBaseline(
      {
        dataset: "test/golden/replay/no-header-end/training/training.csv",
        format: "csv",
        header: false,
        outputColumnsPosition: "END",
        output: out,
        categoryCap: 1000,
      },
      quiet,
    );
    await compareTree(out, join(here, "no-header-end/baseline"));
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const reports = join(tmp, c.name);
    const summary = await replay(c, reports);
    await compareTree(reports, join(here, c.name, "expected/reports"));
    const summaryFile = join(here, c.name, "expected/summary.txt");
    if (update) await writeFile(summaryFile, summary);
    expect(summary).toBe(await readFile(summaryFile, "utf8"));
  });

  it("replaying the same input twice writes byte-identical reports", async () => {
    const c = cases.find((x) => x.name === "late-malformed") as Case;
    await replay(c, join(tmp, "again-a"));
    await replay(c, join(tmp, "again-b"));
    const files = await listFiles(join(tmp, "again-a"));
    expect(files).toEqual(await listFiles(join(tmp, "again-b")));
    for (const f of files) expect(await readFile(join(tmp, "again-b", f), "utf8")).toBe(await readFile(join(tmp, "again-a", f), "utf8"));
  });
});
