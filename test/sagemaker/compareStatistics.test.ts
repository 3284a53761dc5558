import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaseline } from "../../src/cli/baselineCommand.js";

/** scripts/compare-statistics.mjs, the tool docs/formats.md uses to check a baseline against SageMaker's. */
const SCRIPT = join(import.meta.dirname, "../../scripts/compare-statistics.mjs");
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-compare-"));
  await runBaseline(
    {
      dataset: join(import.meta.dirname, "artifacts/sm-intro-2022/training-dataset-with-header.csv"),
      format: "csv",
      header: true,
      outputColumnsPosition: "START",
      output: join(tmp, "a"),
      categoryCap: 1000,
    },
    quiet,
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const compare = (...files: string[]): { status: number | null; stdout: string } => spawnSync(process.execPath, [SCRIPT, ...files], { encoding: "utf8" });

describe("scripts/compare-statistics.mjs", () => {
  it("finds no difference between a baseline and itself", () => {
    const r = compare(join(tmp, "a/statistics.json"), join(tmp, "a/statistics.json"), join(tmp, "a/constraints.json"), join(tmp, "a/constraints.json"));
    expect(r.stdout).toMatch(/no differences\n$/);
    expect(r.status).toBe(0);
  });

  it("names each feature that differs and how, and exits 1", async () => {
    type Numeric = { numerical_statistics: { sum: number; distribution: { kll: { sketch: { data: number[][] } } } } };
    const stats = JSON.parse(await readFile(join(tmp, "a/statistics.json"), "utf8")) as { features: Numeric[] };
    (stats.features[1] as Numeric).numerical_statistics.sum += 1;
    ((stats.features[2] as Numeric).numerical_statistics.distribution.kll.sketch.data[0] as number[])[0]! += 1;
    await writeFile(join(tmp, "b.json"), JSON.stringify(stats));
    const r = compare(join(tmp, "a/statistics.json"), join(tmp, "b.json"));
    expect(r.stdout).toContain("DIFF  Account Length: sum 236279 vs 236280");
    expect(r.stdout).toContain("DIFF  VMail Message: kll sketch data differs");
    expect(r.stdout).toMatch(/2 differences\n$/);
    expect(r.status).toBe(1);
  });
});
