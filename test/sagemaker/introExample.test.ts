/**
 * SageMaker's Model Monitor introduction example (aws/amazon-sagemaker-examples,
 * sagemaker_model_monitor/introduction, commit f48067da, Apache-2.0; test/sagemaker/SOURCES.md):
 * its real baseline job on training-dataset-with-header.csv and its real hourly execution of
 * 2022-04-18 00:00–01:00, whose printed outputs are in artifacts/sm-intro-2022/printed-baseline.json.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaseline } from "../../src/cli/baselineCommand.js";
import { resolveReplayConfig } from "../../src/cli/replayCommand.js";
import { runReplay } from "../../src/engine/runReplay.js";
import type { CheckEvaluation, Violation } from "../../src/checks/index.js";
import { javaDouble } from "../../src/checks/javaDouble.js";
import { readConstraintsFile, type Constraints } from "../../src/formats/constraintsFormat.js";
import { readStatisticsFile, type StatisticsFile } from "../../src/formats/statisticsFormat.js";
import { silentLogger } from "../../src/telemetry/logger.js";

const ARTIFACTS = join(import.meta.dirname, "artifacts/sm-intro-2022");
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

interface PrintedFeature {
  name: string;
  inferred_type: string;
  num_present: number;
  num_missing: number;
  mean: number;
  sum: number;
  std_dev: number;
  min: number;
  max: number;
  first_bucket: [number, number];
  c: number;
  k: number;
  level0_prefix: number[];
}
interface Printed {
  statistics: PrintedFeature[];
  constraints: Array<{ name: string; inferred_type: string; completeness: number; is_non_negative: boolean }>;
  execution: { report_folder: string; report_files: string[]; violations_printed: Array<[string, string, string]> };
}

let tmp: string;
let printed: Printed;
let statistics: StatisticsFile;
let constraints: Constraints;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-sm-intro-"));
  printed = JSON.parse(await readFile(join(ARTIFACTS, "printed-baseline.json"), "utf8")) as Printed;
  await runBaseline(
    {
      dataset: join(ARTIFACTS, "training-dataset-with-header.csv"),
      format: "csv",
      header: true,
      outputColumnsPosition: "START",
      output: join(tmp, "baseline"),
      categoryCap: 1000,
    },
    quiet,
  );
  statistics = await readStatisticsFile(join(tmp, "baseline/statistics.json"));
  constraints = await readConstraintsFile(join(tmp, "baseline/constraints.json"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** pandas' default display: 6 decimals. */
const six = (x: number): string => x.toFixed(6);

describe("SageMaker's 2022 introduction example: the baseline job", () => {
  it("(b) profiles the published training file as SageMaker did, feature by feature, for every feature SageMaker's notebook printed", () => {
    expect(statistics.dataset.item_count).toBe(2333);
    expect(statistics.features).toHaveLength(70);
    for (const p of printed.statistics) {
      const f = statistics.features.find((x) => x.name === p.name);
      const n = f?.numerical_statistics;
      const kll = n?.distribution?.kll;
      if (f === undefined || n === undefined || kll?.sketch === undefined) throw new Error(`${p.name}: no numerical statistics with a sketch`);
      expect([f.inferred_type, n.common.num_present, n.common.num_missing], p.name).toEqual([p.inferred_type, p.num_present, p.num_missing]);
      expect([n.sum, n.min, n.max], p.name).toEqual([p.sum, p.min, p.max]);
      expect([six(n.mean), six(n.std_dev)], p.name).toEqual([six(p.mean), six(p.std_dev)]);
      expect(kll.sketch.parameters, p.name).toEqual({ c: p.c, k: p.k });
      // pandas cut the printed sketch and buckets: what it shows is a prefix
      expect(kll.sketch.data[0]?.slice(0, p.level0_prefix.length), p.name).toEqual(p.level0_prefix);
      const first = kll.buckets[0];
      expect(first?.lower_bound, p.name).toBe(p.first_bucket[0]);
      expect(javaDouble(first?.upper_bound ?? NaN).startsWith(String(p.first_bucket[1])), `${p.name}: ${first?.upper_bound}`).toBe(true);
      expect(kll.buckets.reduce((s, b) => s + b.count, 0)).toBe(p.num_present);
    }
  });

  it("(c) suggests the constraints SageMaker suggested", () => {
    for (const p of printed.constraints) {
      const c = constraints.features.find((x) => x.name === p.name);
      expect([c?.inferred_type, c?.completeness, c?.num_constraints?.is_non_negative], p.name).toEqual([p.inferred_type, p.completeness, p.is_non_negative]);
    }
    // the whole file is complete and non-negative, as SageMaker's printed head suggests
    expect(constraints.features.every((c) => c.completeness === 1)).toBe(true);
  });
});

/**
 * The execution's traffic: the notebook first sent `head -180` of test-dataset-input-cols.csv
 * (line 1 is a pandas-mangled header row of fractions such as "0.1"), then sent the whole file in
 * a loop, one row per second, from the schedule's creation (00:29:48) on. The 00:00–01:00 window
 * held 1,977 records, 7 of them that header row: 100·1970/1977 = 99.64592817400101, the printed
 * percentage. The model (an XGBoost churn classifier) is not published; its outputs are
 * probabilities, written here as fractions that are never integers (the real ones were too:
 * "Only 0.0% of data is Integral").
 */
async function captureFile(): Promise<string> {
  const rows = (await readFile(join(ARTIFACTS, "test-dataset-input-cols.csv"), "utf8")).split("\n").filter((l) => l.length > 0);
  expect(rows).toHaveLength(334);
  const sent = [...rows.slice(0, 180)];
  for (let i = 0; sent.length < 1977; i++) sent.push(rows[i % rows.length] as string);
  const start = Date.UTC(2022, 3, 18, 0, 20, 48);
  const lines = sent.map((row, i) =>
    JSON.stringify({
      captureData: {
        endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: row, encoding: "CSV" },
        endpointOutput: { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: (0.0101 + ((i * 37) % 97) / 100).toFixed(4), encoding: "CSV" },
      },
      eventMetadata: { eventId: `e-${i}`, inferenceTime: new Date(start + i * 1000).toISOString() },
      eventVersion: "0",
    }),
  );
  const file = join(tmp, "capture.jsonl");
  await writeFile(file, lines.join("\n") + "\n");
  return file;
}

describe("SageMaker's 2022 introduction example: the execution of 2022-04-18 00:00–01:00", () => {
  let folder: string;
  let violations: Violation[];
  let window: { item_count: number; window_start: string; window_end: string; checks: CheckEvaluation[] };

  beforeAll(async () => {
    const reports = join(tmp, "reports");
    const config = await resolveReplayConfig({
      statistics: join(tmp, "baseline/statistics.json"),
      constraints: join(tmp, "baseline/constraints.json"),
      reports,
      windowSeconds: "3600",
      endpoint: "DEMO-xgb-churn-pred-model-monitor-2022-04-18-00-13-16",
      schedule: "DEMO-xgb-churn-pred-model-monitor-schedule-2022-04-18-00-29-48",
    });
    await runReplay(config, [await captureFile()], silentLogger());
    folder = join(reports, config.endpoint, config.schedule, printed.execution.report_folder);
    violations = (JSON.parse(await readFile(join(folder, "constraint_violations.json"), "utf8")) as { violations: Violation[] }).violations;
    window = JSON.parse(await readFile(join(folder, "window.json"), "utf8")) as typeof window;
  });

  it("(d) reports SageMaker's violations exactly: 60, all data_type_check, with its texts", async () => {
    expect(window.item_count).toBe(1977);
    expect(violations).toHaveLength(60);
    expect(new Set(violations.map((v) => v.constraint_check_type))).toEqual(new Set(["data_type_check"]));
    for (const [feature, type, description] of printed.execution.violations_printed) {
      expect(violations, feature).toContainEqual({ feature_name: feature, constraint_check_type: type, description });
    }
    // all 60, derived from the data: Churn, and every baseline Integral feature whose value in the
    // mangled header row (line 1 of the traffic, inputs after the output column) is not integral
    const row1 = (await readFile(join(ARTIFACTS, "test-dataset-input-cols.csv"), "utf8")).split("\n")[0]!.split(",");
    const expected = statistics.features
      .filter((f, i) => f.name === "Churn" || (f.inferred_type === "Integral" && !/^-?\d+$/.test(row1[i - 1] as string)))
      .map((f) => f.name);
    expect(expected).toHaveLength(60);
    expect(expected).toContain("State_DC");
    expect(new Set(violations.map((v) => v.feature_name))).toEqual(new Set(expected));
    const others = violations.filter((v) => v.feature_name !== "Churn");
    expect(new Set(others.map((v) => v.description))).toEqual(new Set([printed.execution.violations_printed[0]![2]]));
  });

  it("(d) evaluates no drift for Churn, whose captured values (probabilities) fail the type check", () => {
    const drift = window.checks.find((e) => e.feature_name === "Churn" && e.constraint_check_type === "baseline_drift_check");
    expect(drift).toMatchObject({ verdict: "skipped", note: "data_type_check failed: drift is not evaluated for values not of the baseline type" });
  });

  it("writes SageMaker's files into SageMaker's folder (the window's end hour), and window.json with the interval", async () => {
    const files = await readdir(folder);
    for (const f of printed.execution.report_files) expect(files).toContain(f);
    expect(window.window_start).toBe("2022-04-18T00:00:00Z");
    expect(window.window_end).toBe("2022-04-18T01:00:00Z");
    expect(await readFile(join(folder, "constraints.json"), "utf8")).toBe(await readFile(join(tmp, "baseline/constraints.json"), "utf8"));
  });
});
