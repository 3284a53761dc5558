import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBaseline } from "../../src/baseline/loadBaseline.js";
import { parseConstraints } from "../../src/formats/constraintsFormat.js";
import { FormatError } from "../../src/formats/jsonFile.js";
import { parseStatistics } from "../../src/formats/statisticsFormat.js";
import { ensureBuilt, MAIN, ROOT, runCli, unreachableMonitorArgs } from "../support/cli.js";

/**
 * The hostile-input suite, baseline files: constraints out of range, constraints for features the
 * statistics lack, duplicate feature names.
 */

const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");

let tmp = "";
let statistics: { features: Array<{ name: string }> } & Record<string, unknown>;
let constraints: { features: Array<Record<string, unknown>>; monitoring_config: Record<string, unknown> } & Record<string, unknown>;
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-constraints-"));
  statistics = JSON.parse(await readFile(STATS, "utf8")) as typeof statistics;
  constraints = JSON.parse(await readFile(CONS, "utf8")) as typeof constraints;
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

let n = 0;
async function jsonFile(name: string, value: unknown): Promise<string> {
  const dir = join(tmp, `f-${++n}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}

/** A copy of the golden constraints with `edit` applied. */
function constraintsWith(edit: (c: typeof constraints) => void): typeof constraints {
  const c = structuredClone(constraints);
  edit(c);
  return c;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("16a: constraint values outside their range", () => {
  const cases: Array<[string, (c: typeof constraints) => void]> = [
    ["$.monitoring_config.datatype_check_threshold", (c) => (c.monitoring_config["datatype_check_threshold"] = 7)],
    ["$.monitoring_config.datatype_check_threshold", (c) => (c.monitoring_config["datatype_check_threshold"] = -0.01)],
    ["$.monitoring_config.domain_content_threshold", (c) => (c.monitoring_config["domain_content_threshold"] = 1.5)],
    [
      "$.monitoring_config.distribution_constraints.comparison_threshold",
      (c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["comparison_threshold"] = -1),
    ],
    [
      "$.monitoring_config.distribution_constraints.comparison_threshold",
      (c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["comparison_threshold"] = 1.01),
    ],
    [
      "$.monitoring_config.distribution_constraints.categorical_comparison_threshold",
      (c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["categorical_comparison_threshold"] = 2),
    ],
    [
      "$.monitoring_config.distribution_constraints.categorical_comparison_threshold",
      (c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["categorical_comparison_threshold"] = -0.5),
    ],
    [
      "$.monitoring_config.distribution_constraints.min_domain_mass",
      (c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["min_domain_mass"] = 3),
    ],
    ["$.features[1].completeness", (c) => ((c.features[1] as Record<string, unknown>)["completeness"] = 1.2)],
    ["$.features[2].completeness", (c) => ((c.features[2] as Record<string, unknown>)["completeness"] = -0.5)],
    [
      "$.features[0].monitoringConfigOverrides.datatype_check_threshold",
      (c) => ((c.features[0] as Record<string, unknown>)["monitoringConfigOverrides"] = { datatype_check_threshold: -1 }),
    ],
    [
      "$.features[3].monitoringConfigOverrides.distribution_constraints.comparison_threshold",
      (c) => ((c.features[3] as Record<string, unknown>)["monitoringConfigOverrides"] = { distribution_constraints: { comparison_threshold: 100 } }),
    ],
    [
      "$.features[3].string_constraints.monitoring_config_overrides.domain_content_threshold",
      (c) =>
        ((c.features[3] as { string_constraints: Record<string, unknown> }).string_constraints["monitoring_config_overrides"] = {
          domain_content_threshold: 1.0001,
        }),
    ],
  ];

  it("16a: a threshold or completeness outside [0, 1] is a FormatError naming the file and the JSON path", () => {
    for (const [path, edit] of cases) {
      const call = (): unknown => parseConstraints("baseline/constraints.json", constraintsWith(edit));
      expect(call, path).toThrow(FormatError);
      expect(call, path).toThrow(new RegExp(`^baseline/constraints\\.json: ${escapeRegExp(path)}: expected a number from 0 to 1, got -?[0-9.]+`));
    }
  });

  it("16a: the bounds themselves, 0 and 1, are valid", () => {
    const edge = constraintsWith((c) => {
      c.monitoring_config = {
        datatype_check_threshold: 0,
        domain_content_threshold: 1,
        distribution_constraints: { comparison_threshold: 0, categorical_comparison_threshold: 1 },
      };
      (c.features[0] as Record<string, unknown>)["completeness"] = 0;
      (c.features[0] as Record<string, unknown>)["monitoringConfigOverrides"] = {
        datatype_check_threshold: 1,
        distribution_constraints: { comparison_threshold: 1 },
      };
    });
    const parsed = parseConstraints("c.json", edge);
    expect(parsed.monitoring_config).toMatchObject({
      datatype_check_threshold: 0,
      domain_content_threshold: 1,
      distribution_constraints: { comparison_threshold: 0, categorical_comparison_threshold: 1 },
    });
    expect(parsed.features[0]).toMatchObject({
      completeness: 0,
      monitoringConfigOverrides: { datatype_check_threshold: 1, distribution_constraints: { comparison_threshold: 1 } },
    });
  });

  it("16a: replay exits 1 with one error line naming the file and the path, and writes no report", async () => {
    const file = await jsonFile(
      "constraints.json",
      constraintsWith((c) => ((c.monitoring_config["distribution_constraints"] as Record<string, unknown>)["comparison_threshold"] = -1)),
    );
    const reports = join(tmp, `reports-${++n}`);
    const r = runCli(tmp, ["replay", "--statistics", STATS, "--constraints", file, "--reports", reports, CAPTURE]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`error: ${file}: $.monitoring_config.distribution_constraints.comparison_threshold: expected a number from 0 to 1, got -1\n`);
    expect(existsSync(reports)).toBe(false);
  });

  it("16a: monitor exits 1 with the same error before it connects to Kafka", async () => {
    const file = await jsonFile(
      "constraints.json",
      constraintsWith((c) => (c.monitoring_config["datatype_check_threshold"] = 7)),
    );
    const r = runCli(tmp, unreachableMonitorArgs({ statistics: STATS, constraints: file, reports: join(tmp, "m") }));
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error: ${file}: $.monitoring_config.datatype_check_threshold: expected a number from 0 to 1, got 7\n`);
    expect(r.stderr).not.toMatch(/ECONNREFUSED|Kafka/);
  });
});

describe("16b: constraints for features the statistics lack", () => {
  const extra = (): typeof constraints =>
    constraintsWith((c) => {
      c.features.push({ name: "ghost", inferred_type: "Integral", completeness: 1 }, { name: "phantom", inferred_type: "String" });
    });

  it("16b: the loader keeps them as baseline features (as before) and returns a warning naming the file and the features", async () => {
    const file = await jsonFile("constraints.json", extra());
    const loaded = await loadBaseline(STATS, file);
    expect(loaded.featureNames).toEqual([...statistics.features.map((f) => f.name), "ghost", "phantom"]);
    expect(loaded.baseline.features.find((f) => f.name === "ghost")).toMatchObject({ inferred_type: "Integral", distribution: undefined });
    expect(loaded.warnings).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(file)}: 2 features that ${escapeRegExp(STATS)} lacks: ghost, phantom \\(`)),
    ]);
    const clean = await loadBaseline(STATS, CONS);
    expect(clean.warnings).toEqual([]);
  });

  it("16b: replay prints the warning on stderr and runs as before", async () => {
    const file = await jsonFile("constraints.json", extra());
    const r = runCli(tmp, ["replay", "--statistics", STATS, "--constraints", file, "--reports", join(tmp, `reports-${++n}`), CAPTURE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: ${escapeRegExp(file)}: 2 features that ${escapeRegExp(STATS)} lacks: ghost, phantom \\(`, "m"));
    expect(r.stdout).toMatch(/missing_column_check +ghost/);
  });

  it("16b: monitor logs the warning (pino, level warn) when it starts", async () => {
    const file = await jsonFile("constraints.json", extra());
    // nothing listens on port 1: the monitor retries; the warning comes first, then it is stopped
    const child = spawn(
      process.execPath,
      [MAIN, ...unreachableMonitorArgs({ statistics: STATS, constraints: file, reports: join(tmp, "m2") }), "--log-level", "info"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    let stderr = "";
    const warning = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk;
        for (const line of stderr.split("\n")) {
          if (!line.startsWith("{")) continue;
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry["level"] === 40) resolve(entry);
        }
      });
      child.on("exit", () => resolve(undefined));
    });
    child.kill("SIGTERM");
    // a monitor still retrying its brokers may not stop at once: it must not outlive the test
    const stubborn = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(stubborn);
    expect(warning, stderr).toBeDefined();
    expect(String(warning?.["msg"])).toMatch(new RegExp(`^${escapeRegExp(file)}: 2 features that ${escapeRegExp(STATS)} lacks: ghost, phantom \\(`));
  });
});

describe("16c: duplicate feature names", () => {
  it("16c: in statistics.json and constraints.json a FormatError names the file, the JSON path of the second occurrence and the name", () => {
    const stats = structuredClone(statistics);
    stats.features.push({ ...(stats.features[4] as { name: string }) });
    expect(() => parseStatistics("s.json", stats)).toThrow(FormatError);
    expect(() => parseStatistics("s.json", stats)).toThrow(`s.json: $.features[${statistics.features.length}].name: duplicate feature name "day_mins"`);
    const cons = constraintsWith((c) => c.features.splice(2, 0, { name: "plan" }));
    expect(() => parseConstraints("c.json", cons)).toThrow(FormatError);
    expect(() => parseConstraints("c.json", cons)).toThrow(`c.json: $.features[4].name: duplicate feature name "plan"`);
  });

  it("16c: replay exits 1 with that one line, no stack trace", async () => {
    const stats = structuredClone(statistics);
    stats.features.splice(1, 0, { ...(stats.features[0] as { name: string }) });
    const file = await jsonFile("statistics.json", stats);
    const r = runCli(tmp, ["replay", "--statistics", file, "--constraints", CONS, "--reports", join(tmp, `reports-${++n}`), CAPTURE]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`error: ${file}: $.features[1].name: duplicate feature name "churn"\n`);
    const cons = await jsonFile(
      "constraints.json",
      constraintsWith((c) => c.features.push({ name: "state" })),
    );
    const c = runCli(tmp, ["replay", "--statistics", STATS, "--constraints", cons, "--reports", join(tmp, `reports-${++n}`), CAPTURE]);
    expect(c.status, c.stderr).toBe(1);
    expect(c.stderr).toBe(`error: ${cons}: $.features[${constraints.features.length}].name: duplicate feature name "state"\n`);
  });
});
