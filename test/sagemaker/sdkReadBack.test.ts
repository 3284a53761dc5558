/**
 * SageMaker's own Python SDK reads dqstream's files back.
 *
 * The files are made by the built CLI from SageMaker's introduction example (vendored in
 * test/sagemaker/artifacts/sm-intro-2022, Apache-2.0):
 *
 * - `baseline`: `dqstream baseline` of training-dataset-with-header.csv as it is (70 columns, Churn
 *   first, every one numeric: the example one-hot encoded its categories);
 * - `baseline-state`: the same rows with the one-hot State_* columns folded back into a String
 *   column `State` (appended last), so that the baseline has a String feature with
 *   string_constraints.domains — what `Constraints.set_monitoring(False, feature_name=…)` needs in
 *   every SDK release up to 2.257.6 (KeyError without string_constraints);
 * - one hourly window per baseline from `dqstream replay` of capture records built from
 *   test-dataset-input-cols.csv, SageMaker's data-capture format, one per second from
 *   2022-04-18T00:00:00Z as the notebook sent them: its first line is the pandas-mangled header row
 *   (`186,0.1,137.8,…`) the real run also sent, the model's output is a probability (the real run's
 *   Churn data_type_check), "Day Mins" is shifted up by 60 (baseline_drift_check), and State holds
 *   "PR", outside the baseline's domain, on every tenth row (categorical_values_check) and nothing on
 *   the header row (completeness_check).
 *
 * test/sagemaker/sdk_read_back.py then loads every statistics.json, constraints.json and
 * constraint_violations.json with sagemaker.model_monitor's Statistics, Constraints and
 * ConstraintViolations (from_file_path: an upload to S3 and from_s3_uri), S3 being the run's moto
 * server (test/setup/motoServer.ts), runs pandas.json_normalize on them as AWS's notebooks do and
 * the parsing of AWS's visualization helper, sets monitoring off for State and saves. The tests
 * compare what the SDK saw with what dqstream wrote, then give the SDK-modified constraints back to
 * `dqstream replay`.
 *
 * The SDK (pinned in scripts/sagemaker-sdk-venv.mjs) is installed once per machine into a cached
 * virtual environment in beforeAll (about 35 s the first time, nothing after); no test is skipped:
 * without python3, its venv module or PyPI, every test fails saying so.
 */
import type { SpawnSyncReturns } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSagemakerSdkVenv, SAGEMAKER_SDK_ENV, SAGEMAKER_SDK_VERSION } from "../../scripts/sagemaker-sdk-venv.mjs";
import { motoUrl } from "../setup/moto.js";
import { ensureBuilt, ROOT, runCli } from "../support/cli.js";

const ARTIFACTS = join(ROOT, "test/sagemaker/artifacts/sm-intro-2022");
const TRAINING = join(ARTIFACTS, "training-dataset-with-header.csv");
const TRAFFIC = join(ARTIFACTS, "test-dataset-input-cols.csv");
const READ_BACK = join(ROOT, "test/sagemaker/sdk_read_back.py");
/** The String feature the SDK switches off, and the file sdk_read_back.py writes the result to. */
const DISABLED = "State";
const MODIFIED = "constraints.sdk-modified.json";
const FIRST_EVENT = Date.parse("2022-04-18T00:00:00Z");
const OUT_OF_DOMAIN_STATE = "PR";
const DAY_MINS_SHIFT = 60;
/** A first install downloads about 300 MB of wheels (measured 33 s here); pip itself gives up after 10 min. */
const SETUP_TIMEOUT_MS = 12 * 60_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Normalized {
  columns: string[];
  shape: [number, number];
  rows: JsonObject[];
}
interface FeatureView {
  name: string;
  inferred_type: string;
  paths: string[];
  kind: "numerical" | "string";
  [key: string]: Json;
}
interface StatisticsSeen {
  class: string;
  s3_uri: string;
  version: number;
  item_count: number;
  features: FeatureView[];
  json_normalize: Normalized;
}
interface ConstraintsSeen {
  class: string;
  s3_uri: string;
  version: number;
  feature_names: string[];
  features: JsonObject[];
  monitoring_config: JsonObject;
  json_normalize: Normalized;
}
interface VizRow {
  feature_name: string;
  data_type: Json;
  completeness: Json;
  baseline_drift: number | null;
  categorical_values: number | null;
  flagged: Record<string, boolean>;
}
interface ViolationsSeen {
  class: string;
  s3_uri: string;
  violations: Array<[string, string, string]>;
  json_normalize: Normalized;
  visualization_helper: VizRow[];
}
interface SetMonitoringSeen {
  feature: string;
  saved_to: string;
  written_to: string;
  feature_before: JsonObject;
  feature_after: JsonObject;
  monitoring_config_after: JsonObject;
}
interface FolderSeen {
  folder: string;
  statistics?: StatisticsSeen;
  constraints?: ConstraintsSeen;
  constraint_violations?: ViolationsSeen;
  set_monitoring?: SetMonitoringSeen;
}
interface ReadBack {
  versions: Record<string, string>;
  default_bucket: string;
  folders: FolderSeen[];
}

const execFileAsync = promisify(execFile);

let tmp = "";
let seen: ReadBack;
/** Folder name → absolute path: baseline, baseline-state, window, window-state. */
const dirs: Record<string, string> = {};

const log = (message: string): void => void process.stderr.write(`[sagemaker-sdk] ${message}\n`);

function cli(args: readonly string[]): SpawnSyncReturns<string> {
  const r = runCli(tmp, args);
  if (r.status !== 0) throw new Error(`dqstream ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return r;
}

const readJson = async (file: string): Promise<JsonObject> => JSON.parse(await readFile(file, "utf8")) as JsonObject;

/** Dotted paths of an object's leaves (an array is one leaf), as sdk_read_back.py's leaf_paths. */
function leafPaths(value: Json, prefix = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === "" ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

function at(value: Json, path: string): Json | undefined {
  let v: Json | undefined = value;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = v[key];
  }
  return v;
}

const objects = (value: Json | undefined): JsonObject[] => (Array.isArray(value) ? (value as JsonObject[]) : []);

/** The one folder under `root` holding a window's constraint_violations.json. */
async function windowFolder(root: string): Promise<string> {
  const found = (await readdir(root, { recursive: true })).filter((f) => f.endsWith("constraint_violations.json") && !f.includes("dead-letter"));
  if (found.length !== 1) throw new Error(`expected one window under ${root}, found ${found.length}: ${found.join(", ")}`);
  return join(root, (found[0] as string).replace(/\/?constraint_violations\.json$/, ""));
}

/** The training CSV with the one-hot State_* columns folded into a String column State, appended. */
function withState(header: string[], rows: string[][]): string {
  const stateColumns = header.flatMap((h, i) => (h.startsWith("State_") ? [i] : []));
  const lines = [[...header, DISABLED].join(",")];
  for (const row of rows) lines.push([...row, stateOf(header, stateColumns, row, 0)].join(","));
  return `${lines.join("\n")}\n`;
}

/** The state whose one-hot column holds "1" (columns shifted by `offset`), or "" when none does. */
function stateOf(header: string[], stateColumns: number[], row: string[], offset: number): string {
  const i = stateColumns.find((c) => row[c - offset] === "1");
  return i === undefined ? "" : (header[i] as string).slice("State_".length);
}

/**
 * Capture records in SageMaker's data-capture format from the 334 rows of traffic the notebook sent
 * (69 inputs each, no Churn), one per second; `state` appends the State field.
 */
function captures(header: string[], traffic: string[][], state: boolean): string {
  const stateColumns = header.flatMap((h, i) => (h.startsWith("State_") ? [i] : []));
  const dayMins = header.indexOf("Day Mins") - 1; // inputs leave out Churn, the first column
  const custServ = header.indexOf("CustServ Calls") - 1;
  return traffic
    .map((inputs, i) => {
      const row = [...inputs];
      const mins = Number(row[dayMins]);
      // the pandas-mangled header row (line 1) goes out as it is, as in the notebook's run
      if (i > 0) row[dayMins] = (mins + DAY_MINS_SHIFT).toFixed(1);
      if (state) row.push(i % 10 === 9 ? OUT_OF_DOMAIN_STATE : stateOf(header, stateColumns, inputs, 1));
      // a stand-in for the notebook's XGBoost model: a churn probability, never 0 or 1
      const score = 1 / (1 + Math.exp(-(0.02 * (mins - 200) + 0.6 * (Number(row[custServ]) - 2))));
      const inferenceTime = new Date(FIRST_EVENT + i * 1000).toISOString().replace(".000Z", "Z");
      return JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: row.join(","), encoding: "CSV" },
          endpointOutput: { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: `${score.toFixed(6)}\n`, encoding: "CSV" },
        },
        eventMetadata: { eventId: `sm-intro-${i}`, inferenceTime },
        eventVersion: "0",
      });
    })
    .join("\n")
    .concat("\n");
}

function replay(statistics: string, constraints: string, reports: string, capture: string): SpawnSyncReturns<string> {
  return runCli(tmp, [
    "replay",
    "--statistics",
    statistics,
    "--constraints",
    constraints,
    "--reports",
    reports,
    "--endpoint",
    "churn",
    "--schedule",
    "hourly",
    capture,
  ]);
}

/**
 * Set up once: a failure (no python3 or venv module, PyPI unreachable, a file the SDK cannot read) is
 * kept and thrown by every test, so that each of them fails with it (a failing beforeAll would only
 * mark them skipped).
 */
let setupError: unknown;
beforeAll(async () => {
  try {
    await prepare();
  } catch (error) {
    setupError = error;
  }
}, SETUP_TIMEOUT_MS);

/** What the SDK saw; throws the set-up's error if there was one. */
function sdkSaw(): ReadBack {
  if (setupError !== undefined) throw setupError instanceof Error ? setupError : new Error(JSON.stringify(setupError));
  return seen;
}

/** Builds every file with the CLI while the SDK installs, then runs sdk_read_back.py once over all of them. */
async function prepare(): Promise<void> {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-sagemaker-sdk-"));
  const venv = ensureSagemakerSdkVenv({ log });
  venv.catch(() => {}); // awaited below, after the CLI runs

  const [headerLine = "", ...trainingLines] = (await readFile(TRAINING, "utf8")).trim().split(/\r?\n/);
  const header = headerLine.split(",");
  const training = trainingLines.map((l) => l.split(","));
  const traffic = (await readFile(TRAFFIC, "utf8"))
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(","));
  await writeFile(join(tmp, "training-with-state.csv"), withState(header, training));
  await writeFile(join(tmp, "capture.jsonl"), captures(header, traffic, false));
  await writeFile(join(tmp, "capture-state.jsonl"), captures(header, traffic, true));

  dirs["baseline"] = join(tmp, "baseline");
  dirs["baseline-state"] = join(tmp, "baseline-state");
  cli(["baseline", "--dataset", TRAINING, "--format", "csv", "--output", dirs["baseline"]]);
  cli(["baseline", "--dataset", join(tmp, "training-with-state.csv"), "--format", "csv", "--output", dirs["baseline-state"]]);
  for (const [name, base, capture] of [
    ["window", "baseline", "capture.jsonl"],
    ["window-state", "baseline-state", "capture-state.jsonl"],
  ] as const) {
    const reports = join(tmp, `reports-${name}`);
    const r = replay(join(dirs[base] as string, "statistics.json"), join(dirs[base] as string, "constraints.json"), reports, join(tmp, capture));
    if (r.status !== 0) throw new Error(`dqstream replay (${name}) exited ${r.status ?? r.signal}:\n${r.stderr}`);
    dirs[name] = await windowFolder(join(reports, "churn/hourly"));
  }

  const python = await venv;
  const output = join(tmp, "sdk-read-back.json");
  const folders = ["baseline", "baseline-state", "window", "window-state"].map((n) => dirs[n] as string);
  try {
    await execFileAsync(python, [READ_BACK, "--endpoint-url", motoUrl(), "--set-monitoring-off", DISABLED, "--output", output, ...folders], {
      env: { ...process.env, ...SAGEMAKER_SDK_ENV },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
  } catch (error) {
    const e = error as { code?: number; signal?: string; stdout?: string; stderr?: string };
    throw new Error(`The SageMaker SDK could not read dqstream's files: ${READ_BACK} exited ${e.code ?? e.signal}:\n${e.stderr ?? ""}${e.stdout ?? ""}`, {
      cause: error,
    });
  }
  seen = JSON.parse(await readFile(output, "utf8")) as ReadBack;
}

afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

function folder(name: string): FolderSeen {
  const f = sdkSaw().folders.find((x) => x.folder === dirs[name]);
  if (!f) throw new Error(`sdk_read_back.py reported nothing for ${name}`);
  return f;
}

function expectNormalized(n: Normalized, records: JsonObject[], what: string): void {
  const columns = [...new Set(records.flatMap((r) => leafPaths(r)))].sort();
  expect(n.columns, `${what}: json_normalize columns`).toEqual(columns);
  expect(n.shape, `${what}: json_normalize shape`).toEqual([records.length, columns.length]);
  records.forEach((record, i) => {
    const row = n.rows[i] as JsonObject;
    for (const [column, cell] of Object.entries(row)) {
      const value = at(record, column);
      expect(cell, `${what}: json_normalize row ${i} (${JSON.stringify(record["name"] ?? record["feature_name"])}) ${column}`).toEqual(
        value === undefined ? null : value,
      );
    }
  });
}

async function expectStatisticsSeen(name: string): Promise<void> {
  const file = join(dirs[name] as string, "statistics.json");
  const written = await readJson(file);
  const sdk = folder(name).statistics;
  expect(sdk, `${name}: no statistics read`).toBeDefined();
  if (!sdk) return;
  expect(sdk.class).toBe("Statistics");
  expect(sdk.s3_uri).toMatch(new RegExp(`^s3://${seen.default_bucket}/monitoring/[-0-9a-f]+/statistics\\.json$`));
  expect(sdk.version).toBe(written["version"]);
  expect(sdk.item_count).toBe(at(written, "dataset.item_count"));
  const features = objects(written["features"]);
  expect(sdk.features.map((f) => [f.name, f.inferred_type])).toEqual(features.map((f) => [f["name"], f["inferred_type"]]));
  features.forEach((f, i) => {
    const view = sdk.features[i] as FeatureView;
    const what = `${name} ${JSON.stringify(f["name"])}`;
    expect(view.paths, what).toEqual(leafPaths(f).sort());
    if ("numerical_statistics" in f) {
      const ns = f["numerical_statistics"] as JsonObject;
      const buckets = objects(at(ns, "distribution.kll.buckets"));
      const sketch = at(ns, "distribution.kll.sketch.data") as number[][];
      expect(view, what).toMatchObject({
        kind: "numerical",
        num_present: at(ns, "common.num_present"),
        num_missing: at(ns, "common.num_missing"),
        mean: ns["mean"],
        sum: ns["sum"],
        std_dev: ns["std_dev"],
        min: ns["min"],
        max: ns["max"],
        kll_buckets: buckets.length,
        kll_bucket_count_total: buckets.reduce((s, b) => s + (b["count"] as number), 0),
        kll_parameters: at(ns, "distribution.kll.sketch.parameters"),
        kll_sketch_levels: sketch.length,
        kll_sketch_items: sketch.reduce((s, level) => s + level.length, 0),
      });
    } else {
      const ss = f["string_statistics"] as JsonObject;
      const buckets = objects(at(ss, "distribution.categorical.buckets"));
      expect(view, what).toMatchObject({
        kind: "string",
        num_present: at(ss, "common.num_present"),
        num_missing: at(ss, "common.num_missing"),
        distinct_count: ss["distinct_count"],
        categorical_buckets: buckets.length,
        categorical_count_total: buckets.reduce((s, b) => s + (b["count"] as number), 0),
      });
    }
  });
  expectNormalized(sdk.json_normalize, features, `${name}/statistics.json`);
}

async function expectConstraintsSeen(name: string): Promise<void> {
  const written = await readJson(join(dirs[name] as string, "constraints.json"));
  const sdk = folder(name).constraints;
  expect(sdk, `${name}: no constraints read`).toBeDefined();
  if (!sdk) return;
  expect(sdk.class).toBe("Constraints");
  expect(sdk.s3_uri).toMatch(new RegExp(`^s3://${seen.default_bucket}/monitoring/[-0-9a-f]+/constraints\\.json$`));
  expect(sdk.version).toBe(written["version"]);
  const features = objects(written["features"]);
  expect(sdk.feature_names).toEqual(features.map((f) => f["name"]));
  expect(sdk.features).toEqual(features);
  expect(sdk.monitoring_config).toEqual(written["monitoring_config"]);
  expectNormalized(sdk.json_normalize, features, `${name}/constraints.json`);
}

async function expectViolationsSeen(name: string): Promise<ViolationsSeen> {
  const written = await readJson(join(dirs[name] as string, "constraint_violations.json"));
  const sdk = folder(name).constraint_violations;
  if (!sdk) throw new Error(`${name}: no constraint_violations read`);
  expect(sdk.class).toBe("ConstraintViolations");
  expect(sdk.s3_uri).toMatch(new RegExp(`^s3://${seen.default_bucket}/monitoring/[-0-9a-f]+/constraint_violations\\.json$`));
  const violations = objects(written["violations"]);
  expect(violations.length, `${name}: the window should have violations`).toBeGreaterThan(0);
  expect(sdk.violations).toEqual(violations.map((v) => [v["feature_name"], v["constraint_check_type"], v["description"]]));
  expectNormalized(sdk.json_normalize, violations, `${name}/constraint_violations.json`);
  return sdk;
}

const checkTypes = (v: ViolationsSeen, feature: string): string[] => v.violations.filter(([f]) => f === feature).map(([, t]) => t);

describe(`SageMaker Python SDK ${SAGEMAKER_SDK_VERSION} reads dqstream's files back`, () => {
  it("runs the pinned SDK release", () => {
    expect(sdkSaw().versions["sagemaker"]).toBe(SAGEMAKER_SDK_VERSION);
  });

  it("Statistics: the same features, types and per-feature statistics; json_normalize as in AWS's notebooks", async () => {
    sdkSaw();
    for (const name of ["baseline", "baseline-state", "window", "window-state"]) await expectStatisticsSeen(name);
    const baseline = folder("baseline").statistics as StatisticsSeen;
    expect(baseline.item_count).toBe(2333);
    expect(baseline.features).toHaveLength(70);
    expect(baseline.features[0]).toMatchObject({ name: "Churn", inferred_type: "Integral" });
    // 51 states: Deequ's HyperLogLog++ estimate, what SageMaker would print, is 54
    expect(folder("baseline-state").statistics?.features.at(-1)).toMatchObject({ name: DISABLED, inferred_type: "String", kind: "string", distinct_count: 54 });
    expect(folder("window-state").statistics?.item_count).toBe(334);
  });

  it("Constraints: the same features and monitoring_config", async () => {
    sdkSaw();
    for (const name of ["baseline", "baseline-state"]) await expectConstraintsSeen(name);
    const state = folder("baseline-state").constraints?.features.find((f) => f["name"] === DISABLED);
    expect(at(state ?? {}, "string_constraints.domains")).toHaveLength(51);
    expect(folder("baseline").constraints?.monitoring_config).toMatchObject({
      evaluate_constraints: "Enabled",
      emit_metrics: "Enabled",
      distribution_constraints: { perform_comparison: "Enabled", comparison_method: "Robust" },
    });
  });

  it("ConstraintViolations: the same (feature_name, constraint_check_type, description) list", async () => {
    sdkSaw();
    const plain = await expectViolationsSeen("window");
    // the notebook's run: the mangled header row fails data_type_check on the Integral features, the probability on Churn
    expect(checkTypes(plain, "Churn")).toContain("data_type_check");
    expect(checkTypes(plain, "State_AK")).toContain("data_type_check");
    const state = await expectViolationsSeen("window-state");
    expect(checkTypes(state, "Day Mins")).toContain("baseline_drift_check");
    expect(checkTypes(state, DISABLED)).toEqual(expect.arrayContaining(["completeness_check", "categorical_values_check"]));
  });

  it("AWS's visualization helper: drift distances and categorical in-domain shares parse; completeness and types as written", async () => {
    sdkSaw();
    for (const name of ["window", "window-state"]) {
      const stats = objects((await readJson(join(dirs[name] as string, "statistics.json")))["features"]);
      const manifest = await readJson(join(dirs[name] as string, "window.json"));
      const checks = objects(manifest["checks"]);
      const table = folder(name).constraint_violations?.visualization_helper ?? [];
      const violations = folder(name).constraint_violations?.violations ?? [];
      expect(table.map((r) => r.feature_name)).toEqual([...new Set([...stats.map((f) => f["name"] as string), ...violations.map(([f]) => f)])].sort());
      for (const row of table) {
        const feature = stats.find((f) => f["name"] === row.feature_name);
        if (!feature) continue;
        const common = (at(feature, "numerical_statistics.common") ?? at(feature, "string_statistics.common")) as JsonObject;
        expect(row.data_type, row.feature_name).toBe(feature["inferred_type"]);
        expect(row.completeness, row.feature_name).toBe(
          (common["num_present"] as number) / ((common["num_present"] as number) + (common["num_missing"] as number)),
        );
        const drift = checks.find(
          (c) => c["feature_name"] === row.feature_name && c["constraint_check_type"] === "baseline_drift_check" && c["verdict"] === "violation",
        );
        // "distance: (.+) exceeds" → the distance window.json records
        expect(row.baseline_drift, `${name} ${row.feature_name} drift`).toBe(drift ? (drift["value"] as number) : null);
        expect(row.flagged["baseline_drift_check"]).toBe(drift !== undefined);
        // "Value: (.+) does not meet the constraint requirement!": SageMaker's only known text for
        // categorical_values_check, which dqstream writes: the helper reads the in-domain share
        const categorical = checks.find(
          (c) => c["feature_name"] === row.feature_name && c["constraint_check_type"] === "categorical_values_check" && c["verdict"] === "violation",
        );
        expect(row.categorical_values, `${name} ${row.feature_name} categorical`).toBe(categorical ? (categorical["value"] as number) : null);
      }
    }
    const state = folder("window-state").constraint_violations?.visualization_helper.find((r) => r.feature_name === "Day Mins");
    expect(state?.baseline_drift).toBeGreaterThan(0.1);
    expect(
      folder("window-state").constraint_violations?.visualization_helper.find((r) => r.feature_name === DISABLED)?.flagged["categorical_values_check"],
    ).toBe(true);
    // and the helper reads a number from dqstream's categorical text (every tenth row is "PR": 0.9 in the domain)
    expect(folder("window-state").constraint_violations?.visualization_helper.find((r) => r.feature_name === DISABLED)?.categorical_values).toBeCloseTo(0.9, 1);
  });

  it("Constraints.set_monitoring(False, feature_name) and save(): what the SDK writes", async () => {
    sdkSaw();
    const modified = folder("baseline-state").set_monitoring;
    if (!modified) throw new Error("set_monitoring was not run");
    const written = objects((await readJson(join(dirs["baseline-state"] as string, "constraints.json")))["features"]);
    const before = written.find((f) => f["name"] === DISABLED) as JsonObject;
    expect(modified.feature_before).toEqual(before);
    // sagemaker 2.257.7 writes a feature-level monitoring_config_overrides (up to 2.257.6:
    // string_constraints.monitoring_config_overrides); docs/formats.md lists the spellings dqstream reads
    expect(modified.feature_after).toEqual({ ...before, monitoring_config_overrides: { evaluate_constraints: "Disabled" } });
    expect(modified.saved_to).toMatch(/\/constraints\.json$/);
    expect(modified.written_to).toBe(join(dirs["baseline-state"] as string, MODIFIED));
    const saved = await readJson(modified.written_to);
    expect(objects(saved["features"]).find((f) => f["name"] === DISABLED)).toEqual(modified.feature_after);
    expect(saved["monitoring_config"]).toEqual(folder("baseline-state").constraints?.monitoring_config);
  });

  it("dqstream replay loads the constraints.json the SDK saved", async () => {
    sdkSaw();
    const reports = join(tmp, "reports-sdk-modified");
    const base = dirs["baseline-state"] as string;
    const r = replay(join(base, "statistics.json"), join(base, MODIFIED), reports, join(tmp, "capture-state.jsonl"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^error:/m);
    const window = await windowFolder(join(reports, "churn/hourly"));
    expect(relative(reports, window)).toBe(relative(join(tmp, "reports-window-state"), dirs["window-state"] as string));
    expect(objects((await readJson(join(window, "constraint_violations.json")))["violations"]).length).toBeGreaterThan(0);
  });

  it("honours the SDK override: the feature set_monitoring(False) disabled raises no violation", async () => {
    sdkSaw();
    const reports = join(tmp, "reports-sdk-override");
    const base = dirs["baseline-state"] as string;
    const r = replay(join(base, "statistics.json"), join(base, MODIFIED), reports, join(tmp, "capture-state.jsonl"));
    expect(r.status, r.stderr).toBe(0);
    const window = await windowFolder(join(reports, "churn/hourly"));
    const violations = objects((await readJson(join(window, "constraint_violations.json")))["violations"]).map((v) => [
      v["feature_name"],
      v["constraint_check_type"],
      v["description"],
    ]);
    const unmodified = folder("window-state").constraint_violations?.violations ?? [];
    expect(unmodified.filter(([f]) => f === DISABLED).length, "the unmodified constraints do flag State").toBeGreaterThan(0);
    expect(violations.filter(([f]) => f === DISABLED)).toEqual([]);
    expect(violations).toEqual(unmodified.filter(([f]) => f !== DISABLED));
  });
});
