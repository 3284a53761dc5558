/**
 * WindowReport → CloudWatch datums (datums.ts), against a golden file made from the csv-start
 * replay golden case. Regenerate after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/sinks/cloudwatch/datums.test.ts
 * and review the diff.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedBaseline } from "../../../src/baseline/loadBaseline.js";
import type { WindowReport } from "../../../src/reports/WindowReport.js";
import { windowDatums, type Datum, type DatumOptions } from "../../../src/sinks/cloudwatch/datums.js";
import { csvStartReports, editedBaseline, featureEntry } from "./support.js";

const GOLDEN = join(import.meta.dirname, "golden", "csv-start-datums.json");
const update = process.env["UPDATE_GOLDEN"] === "1";

let reports: WindowReport[];
let loaded: LoadedBaseline;
let options: DatumOptions;

beforeAll(async () => {
  ({ reports, baseline: loaded } = await csvStartReports());
  options = {
    namespace: "aws/sagemaker/Endpoints/data-metrics",
    ownNamespace: "dqstream",
    ownMetrics: true,
    dimensions: [
      ["Endpoint", "churn"],
      ["MonitoringSchedule", "ten-minutes"],
    ],
    baseline: loaded.baseline,
  };
});

const names = (ds: readonly Datum[]): string[] => ds.map((d) => d.name);

describe("windowDatums", () => {
  it("maps every window of the csv-start replay as the golden file says", async () => {
    // one datum per line, so a diff shows which metric of which window changed
    const rows = reports.flatMap((r) => windowDatums(r, options).map((d) => JSON.stringify({ window_end: new Date(r.endMs).toISOString(), ...d })));
    const text = `[\n${rows.join(",\n")}\n]\n`;
    if (update) await writeFile(GOLDEN, text);
    expect(text).toBe(await readFile(GOLDEN, "utf8"));
  });

  it("takes feature_data_ from statistics.json, feature_non_null_ as a fraction, drift from the evaluations, at the window end", () => {
    const r = reports[1] as WindowReport;
    const ds = windowDatums(r, options);
    for (const d of ds) expect(d.timestampMs).toBe(r.endMs);
    const stats = r.statistics.features.find((f) => f.name === "day_mins")?.numerical_statistics;
    expect(stats).toBeDefined();
    const data = ds.find((d) => d.name === "feature_data_day_mins");
    expect(data?.stats).toEqual({ sampleCount: stats?.common.num_present, sum: stats?.sum, min: stats?.min, max: stats?.max });
    expect(data?.value).toBeUndefined();
    const drift = r.evaluations.find((e) => e.feature_name === "day_mins" && e.constraint_check_type === "baseline_drift_check");
    expect(ds.find((d) => d.name === "feature_baseline_drift_day_mins")?.value).toBe(drift?.value);
    // String features: no feature_data_, but completeness and drift
    expect(names(ds)).not.toContain("feature_data_state");
    expect(names(ds)).toContain("feature_non_null_state");
    expect(names(ds)).toContain("feature_baseline_drift_state");
    expect(ds[0]?.dimensions).toEqual([
      { name: "Endpoint", value: "churn" },
      { name: "MonitoringSchedule", value: "ten-minutes" },
    ]);
  });

  it("reports the non-missing fraction of a window with missing values", () => {
    // window 2 of csv-start has intl_missing 0.5: intl_mins is about half missing
    const r = reports[2] as WindowReport;
    const f = r.statistics.features.find((x) => x.name === "intl_mins");
    const common = f?.numerical_statistics?.common ?? f?.string_statistics?.common;
    expect(common?.num_missing).toBeGreaterThan(0);
    const v = windowDatums(r, options).find((d) => d.name === "feature_non_null_intl_mins")?.value;
    expect(v).toBe((common?.num_present ?? 0) / ((common?.num_present ?? 0) + (common?.num_missing ?? 0)));
    expect(v).toBeLessThan(1);
  });

  it("counts violations per check type in the own namespace, with zeros for check types that did not fire", () => {
    const r = reports.find((x) => x.violations.length > 0) as WindowReport;
    const own = windowDatums(r, options).filter((d) => d.namespace === "dqstream");
    const total = own.find((d) => d.name === "violations" && d.dimensions.length === 2);
    expect(total?.value).toBe(r.violations.length);
    const byType = own.filter((d) => d.name === "violations" && d.dimensions.length === 3);
    expect(byType).toHaveLength(6);
    expect(byType.reduce((s, d) => s + (d.value ?? 0), 0)).toBe(r.violations.length);
    expect(own.find((d) => d.name === "records_counted")?.value).toBe(r.counts.records);
    expect(own.every((d) => d.unit === "Count")).toBe(true);
  });

  it("leaves out own metrics when ownMetrics is false", () => {
    const ds = windowDatums(reports[0] as WindowReport, { ...options, ownMetrics: false });
    expect(ds.filter((d) => d.namespace !== options.namespace)).toEqual([]);
    expect(ds.length).toBeGreaterThan(0);
  });

  it("leaves out a feature whose emit_metrics override is Disabled, and only that one", async () => {
    const baseline = await editedBaseline((c) => {
      featureEntry(c, "day_mins")["monitoringConfigOverrides"] = { emit_metrics: "Disabled" };
    });
    const all = names(windowDatums(reports[1] as WindowReport, options));
    const some = names(windowDatums(reports[1] as WindowReport, { ...options, baseline }));
    expect(all.filter((n) => n.endsWith("_day_mins"))).toHaveLength(3);
    expect(some.filter((n) => n.endsWith("_day_mins"))).toEqual([]);
    expect(some).toEqual(all.filter((n) => !n.endsWith("_day_mins")));
  });

  it("emits no feature metrics when monitoring_config.emit_metrics is Disabled, except features that override it to Enabled", async () => {
    const baseline = await editedBaseline((c) => {
      (c["monitoring_config"] as Record<string, unknown>)["emit_metrics"] = "Disabled";
      featureEntry(c, "plan")["monitoringConfigOverrides"] = { emit_metrics: "Enabled" };
    });
    const ds = windowDatums(reports[1] as WindowReport, { ...options, baseline });
    expect(names(ds.filter((d) => d.namespace === options.namespace))).toEqual(["feature_non_null_plan", "feature_baseline_drift_plan"]);
    // dqstream's own metrics are not SageMaker's and do not follow emit_metrics
    expect(ds.some((d) => d.namespace === "dqstream")).toBe(true);
  });

  it("publishes no drift metric for ChiSquared features (a p-value is not a distance)", async () => {
    const baseline = await editedBaseline((c) => {
      featureEntry(c, "plan")["monitoringConfigOverrides"] = { distribution_constraints: { categorical_drift_method: "ChiSquared" } };
    });
    // the evaluations come from the report; rebuild them with the edited baseline's effect
    const r = reports[4] as WindowReport;
    const chi: WindowReport = {
      ...r,
      evaluations: r.evaluations.map((e) =>
        e.feature_name === "plan" && e.constraint_check_type === "baseline_drift_check" ? { ...e, metric: "chi_squared_p_value", value: 0.001 } : e,
      ),
    };
    const ds = names(windowDatums(chi, { ...options, baseline }));
    expect(ds).not.toContain("feature_baseline_drift_plan");
    expect(ds).toContain("feature_baseline_drift_state");
  });

  it("publishes no drift metric for a skipped drift check and no feature_data_ for a numeric feature without values", () => {
    const r = reports[0] as WindowReport;
    const skipped: WindowReport = {
      ...r,
      evaluations: r.evaluations.map((e) =>
        e.feature_name === "day_mins" && e.constraint_check_type === "baseline_drift_check" ? { ...e, verdict: "skipped", value: null } : e,
      ),
      statistics: {
        ...r.statistics,
        features: r.statistics.features.map((f) =>
          f.name === "eve_mins" && f.numerical_statistics
            ? { ...f, numerical_statistics: { ...f.numerical_statistics, common: { num_present: 0, num_missing: r.itemCount } } }
            : f,
        ),
      },
    };
    const ds = windowDatums(skipped, options);
    expect(names(ds)).not.toContain("feature_baseline_drift_day_mins");
    expect(names(ds)).not.toContain("feature_data_eve_mins");
    expect(ds.find((d) => d.name === "feature_non_null_eve_mins")?.value).toBe(0);
  });
});
