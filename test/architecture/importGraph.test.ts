import { createRequire } from "node:module";
import { join } from "node:path";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

/** The import graph of src/ obeys .dependency-cruiser.cjs: no cycles, the CLI on top, nothing below the engine imports it. */
const ROOT = join(import.meta.dirname, "../..");
const rules = createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs")) as IConfiguration;

async function violations(files: string[]): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(ROOT); // dependency-cruiser resolves paths and the tsconfig from the working folder
  try {
    const r = await cruise(files, { validate: true, ruleSet: rules, ...rules.options, tsConfig: { fileName: join(ROOT, "tsconfig.json") } });
    const output = r.output as ICruiseResult;
    expect(output.summary.totalCruised).toBeGreaterThan(0);
    return output.summary.violations.map(
      (v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => (typeof c === "string" ? c : c.name)).join(" → ")})` : ""}`,
    );
  } finally {
    process.chdir(cwd);
  }
}

describe("the import graph of src/", () => {
  it("has no cycle and no import from below the engine up into it or the CLI", async () => {
    expect(await violations(["src"])).toEqual([]);
  }, 60_000);

  it("the rules catch what they are for: a cycle and an upward import in a fixture tree", async () => {
    const found = await violations(["test/architecture/fixture/src"]);
    expect(found.some((v) => v.startsWith("no-circular:"))).toBe(true);
    expect(found.some((v) => v.startsWith("engine-above-components:"))).toBe(true);
  }, 60_000);
});
