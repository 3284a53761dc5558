import type { CheckType, CheckEvaluation } from "../../checks/Check.js";
import { CHECK_TYPES } from "../../checks/Check.js";
import type { Constraints, Enabled } from "../../formats/constraintsFormat.js";
import type { Baseline } from "../../checks/Check.js";
import { totalOf } from "../../windows/WindowCounts.js";
import type { WindowReport } from "../../reports/WindowReport.js";

/** A CloudWatch unit (the subset dqstream uses). */
export type Unit = "None" | "Count";

/** One data point, SDK-independent: cloudWatchClient.ts maps it to the API's MetricDatum. */
export interface Datum {
  readonly namespace: string;
  readonly name: string;
  /** In a fixed order (endpoint, schedule, then any extra), so equal metrics compare equal. */
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Epoch milliseconds: the window end. */
  readonly timestampMs: number;
  readonly unit: Unit;
  /** Exactly one of value and stats. */
  readonly value?: number;
  readonly stats?: { readonly sampleCount: number; readonly sum: number; readonly min: number; readonly max: number };
}

export interface DatumOptions {
  readonly namespace: string;
  readonly ownNamespace: string;
  readonly ownMetrics: boolean;
  /** Dimension names and values: [[name, value], …], e.g. [["Endpoint", "churn"], ["MonitoringSchedule", "hourly"]]. */
  readonly dimensions: ReadonlyArray<readonly [string, string]>;
  readonly baseline: Baseline;
}

/** Metric name prefixes (SageMaker Model Monitor, sagemaker-model-monitor.md §5). */
export const FEATURE_DATA = "feature_data_";
export const FEATURE_NON_NULL = "feature_non_null_";
export const FEATURE_BASELINE_DRIFT = "feature_baseline_drift_";

/** Drift evaluations whose value is a distance (greater is worse). A chi-squared p-value is not one. */
const DISTANCE_METRICS: ReadonlySet<string> = new Set(["linf_robust", "linf_simple"]);

/**
 * The datums of one closed window, in a fixed order: per feature (statistics.json order)
 * feature_data_, feature_non_null_, feature_baseline_drift_; then dqstream's own metrics. A pure
 * function of the report, the baseline and the options; timestamps are the window end.
 *
 * - feature_data_<f>: StatisticValues {SampleCount = num_present, Sum, Minimum, Maximum} of the
 *   window's numeric features (statistics.json numerical_statistics), when SampleCount > 0;
 * - feature_non_null_<f>: num_present / (num_present + num_missing), when that is > 0 items;
 * - feature_baseline_drift_<f>: the baseline_drift_check distance (L∞, Simple or Robust) when the
 *   check ran; not for ChiSquared (a p-value, where smaller is worse) or skipped checks;
 * - a feature's metrics are left out when its effective emit_metrics (per-feature override, else
 *   monitoring_config) is Disabled; features the baseline lacks follow monitoring_config;
 * - own metrics (ownNamespace, when ownMetrics): records_counted, records_skipped, records_late,
 *   records_malformed, violations (all check types), and violations with an extra CheckType
 *   dimension for every check type (0 when none, so alarms on them always have data).
 */
export function windowDatums(report: WindowReport, o: DatumOptions): Datum[] {
  const dims = o.dimensions.map(([name, value]) => ({ name, value }));
  const timestampMs = report.endMs;
  const out: Datum[] = [];
  const emits = emitMetricsOf(o.baseline);
  const drift = new Map<string, CheckEvaluation>();
  for (const e of report.evaluations) {
    if (e.constraint_check_type === "baseline_drift_check" && e.value !== null && DISTANCE_METRICS.has(e.metric)) drift.set(e.feature_name, e);
  }
  const feature = (name: string, fields: Pick<Datum, "value" | "stats">): void => {
    out.push({ namespace: o.namespace, name, dimensions: dims, timestampMs, unit: "None", ...fields });
  };
  for (const f of report.statistics.features) {
    if (emits(f.name) !== "Enabled") continue;
    const num = f.numerical_statistics;
    const common = num?.common ?? f.string_statistics?.common;
    if (num !== undefined && num.common.num_present > 0) {
      feature(`${FEATURE_DATA}${f.name}`, { stats: { sampleCount: num.common.num_present, sum: num.sum, min: num.min, max: num.max } });
    }
    if (common !== undefined) {
      const items = common.num_present + common.num_missing;
      if (items > 0) feature(`${FEATURE_NON_NULL}${f.name}`, { value: common.num_present / items });
    }
    const d = drift.get(f.name);
    if (d !== undefined && d.value !== null) feature(`${FEATURE_BASELINE_DRIFT}${f.name}`, { value: d.value });
  }
  if (o.ownMetrics) {
    const own = (name: string, value: number, extra: Datum["dimensions"] = []): void => {
      out.push({ namespace: o.ownNamespace, name, dimensions: [...dims, ...extra], timestampMs, unit: "Count", value });
    };
    const c = report.counts;
    own("records_counted", c.records);
    own("records_skipped", totalOf(c.skipped));
    own("records_late", c.late);
    own("records_malformed", totalOf(c.malformed));
    own("violations", report.violations.length);
    const byType = new Map<CheckType, number>(CHECK_TYPES.map((t) => [t, 0]));
    for (const v of report.violations) byType.set(v.constraint_check_type, (byType.get(v.constraint_check_type) ?? 0) + 1);
    for (const [type, n] of byType) own("violations", n, [{ name: "CheckType", value: type }]);
  }
  return out;
}

/** A feature's effective emit_metrics: its overrides applied, else the global monitoring_config. */
export function emitMetricsOf(baseline: Baseline): (feature: string) => Enabled {
  const byName = new Map(baseline.features.map((f) => [f.name, f.config.emit_metrics]));
  const global = globalEmit(baseline.constraints);
  return (feature) => byName.get(feature) ?? global;
}

function globalEmit(c: Constraints): Enabled {
  return c.monitoring_config.emit_metrics;
}
