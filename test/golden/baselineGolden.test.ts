/**
 * Golden files for `dqstream baseline`: statistics.json, constraints.json and baseline.json of
 * fixed inputs, compared byte for byte. Regenerate after an intended format change with
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 * and review the diff.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaseline, type BaselineCommandOptions } from "../../src/cli/baselineCommand.js";

const goldenDir = join(import.meta.dirname, "baseline");
const update = process.env["UPDATE_GOLDEN"] === "1";
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-golden-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const cases: Array<[string, Omit<BaselineCommandOptions, "output" | "categoryCap">]> = [
  ["csv-header", { dataset: "examples/data/training.csv", format: "csv", header: true, outputColumnsPosition: "START" }],
  ["csv-no-header", { dataset: "test/golden/baseline/inputs/no-header.csv", format: "csv", header: false, outputColumnsPosition: "END" }],
  ["jsonl-nested", { dataset: "test/golden/baseline/inputs/nested.jsonl", format: "jsonl", header: false, outputColumnsPosition: "START" }],
];

async function run(name: string, opts: Omit<BaselineCommandOptions, "output" | "categoryCap">): Promise<string> {
  const out = join(tmp, name);
  await runBaseline({ ...opts, output: out, categoryCap: 1000 }, quiet);
  return out;
}

describe("baseline golden files", () => {
  it.each(cases)("%s", async (name, opts) => {
    const out = await run(name, opts);
    for (const file of ["statistics.json", "constraints.json", "baseline.json"]) {
      const actual = await readFile(join(out, file), "utf8");
      const golden = join(goldenDir, name, file);
      if (update) {
        await mkdir(join(goldenDir, name), { recursive: true });
        await writeFile(golden, actual);
      }
      expect(actual, `${name}/${file}`).toBe(await readFile(golden, "utf8"));
    }
  });

  it("a gzip-compressed copy gives the same statistics and constraints", async () => {
    const out = await run("gz", { dataset: "test/golden/baseline/inputs/training.csv.gz", format: "csv", header: true, outputColumnsPosition: "START" });
    for (const file of ["statistics.json", "constraints.json"]) {
      expect(await readFile(join(out, file), "utf8")).toBe(await readFile(join(goldenDir, "csv-header", file), "utf8"));
    }
  });

  it("running twice gives byte-identical files", async () => {
    const [a, b] = [await run("twice-a", cases[0]![1]), await run("twice-b", cases[0]![1])];
    for (const file of ["statistics.json", "constraints.json", "baseline.json"]) {
      expect(await readFile(join(a, file), "utf8")).toBe(await readFile(join(b, file), "utf8"));
    }
  });
});
