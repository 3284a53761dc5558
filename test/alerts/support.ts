// Scripted windows for the alert tests: hourly windows on 2026-11-01, violations written as
// "check_type:feature" (short names: drift, completeness, …).
import type { CheckEvaluation, CheckType, Violation } from "../../src/checks/index.js";
import { LifecycleSchema, type LifecycleConfig } from "../../src/alerts/alertsSchema.js";
import type { WindowOutcome } from "../../src/alerts/lifecycle.js";
import { join } from "node:path";
import { writeJsonFile } from "../../src/formats/jsonFile.js";
import type { WindowReport } from "../../src/reports/WindowReport.js";
import { isoSeconds } from "../../src/windows/tumblingWindows.js";
import { emptyCounts } from "../../src/windows/WindowCounts.js";

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 10, 1);

const SHORT: Record<string, CheckType> = {
  drift: "baseline_drift_check",
  completeness: "completeness_check",
  type: "data_type_check",
  categorical: "categorical_values_check",
  missing: "missing_column_check",
  extra: "extra_column_check",
};

export function checkType(short: string): CheckType {
  const t = SHORT[short];
  if (t === undefined) throw new Error(`unknown short check type ${short}`);
  return t;
}

/** "drift:day_mins" → a violation with a description naming it. */
export function violation(spec: string): Violation {
  const [short, feature] = spec.split(":") as [string, string];
  return { feature_name: feature, constraint_check_type: checkType(short), description: `${short} violated on ${feature}` };
}

/**
 * Window `hour` (0-based from T0) with the given violations; `null` for a window without data.
 * Each violation gets an evaluation (metric "distance", value 0.5, threshold 0.1).
 */
export function w(hour: number, specs: readonly string[] | null): WindowOutcome {
  const start = T0 + hour * HOUR;
  const violations = (specs ?? []).map(violation);
  const evaluations: CheckEvaluation[] = violations.map((v) => ({
    feature_name: v.feature_name,
    constraint_check_type: v.constraint_check_type,
    verdict: "violation",
    metric: "distance",
    value: 0.5,
    threshold: 0.1,
    description: v.description,
  }));
  const hh = String(new Date(start).getUTCHours()).padStart(2, "0");
  return { startMs: start, endMs: start + HOUR, folder: `ep/sch/2026/11/01/${hh}`, hasData: specs !== null, violations, evaluations };
}

export function lifecycle(overrides: Partial<LifecycleConfig> = {}): LifecycleConfig {
  return LifecycleSchema.parse(overrides);
}

/** The window as the reporter hands it to sinks (statistics and counts are not read by the alerts). */
export function report(outcome: WindowOutcome): WindowReport {
  return {
    startMs: outcome.startMs,
    endMs: outcome.endMs,
    folder: outcome.folder,
    itemCount: outcome.hasData ? 10 : 0,
    counts: emptyCounts(),
    violations: outcome.violations,
    evaluations: outcome.evaluations,
    statistics: { version: 0, dataset: { item_count: outcome.hasData ? 10 : 0 }, features: [] },
    manifest: {},
    jsonColumnsByPosition: {},
  };
}

/**
 * Writes the window's report files as src/sinks/reportWriter.ts lays them out (the keys the alerts
 * read), window.json last, under `<reportsDir>/<outcome.folder>`.
 */
export async function writeReportFiles(reportsDir: string, outcome: WindowOutcome): Promise<void> {
  const dir = join(reportsDir, outcome.folder);
  await writeJsonFile(join(dir, "statistics.json"), { version: 0, dataset: { item_count: outcome.hasData ? 10 : 0 }, features: [] });
  await writeJsonFile(join(dir, "constraint_violations.json"), { violations: outcome.violations });
  await writeJsonFile(join(dir, "window.json"), {
    endpoint: outcome.folder.split("/")[0],
    schedule: outcome.folder.split("/")[1],
    window_start: isoSeconds(outcome.startMs),
    window_end: isoSeconds(outcome.endMs),
    item_count: outcome.hasData ? 10 : 0,
    violations: outcome.violations.length,
    checks: outcome.hasData ? outcome.evaluations : "not run: no data in the window",
  });
}
