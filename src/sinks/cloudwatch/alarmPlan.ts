import type { Baseline, BaselineFeature } from "../../checks/Check.js";
import type { CloudWatchConfig } from "./cloudwatchSchema.js";
import type { AlarmSpec, ExistingAlarm } from "./api.js";
import { FEATURE_BASELINE_DRIFT } from "./datums.js";

/** CloudWatch alarm names are 1–255 characters (API Reference, PutMetricAlarm). */
const MAX_ALARM_NAME = 255;

export interface AlarmPlanInput {
  readonly baseline: Baseline;
  readonly cloudwatch: CloudWatchConfig;
  readonly endpoint: string;
  readonly schedule: string;
  readonly windowSeconds: number;
  /** Overrides cloudwatch.alarms.sns_topic_arn. */
  readonly snsTopicArn?: string | undefined;
}

export interface AlarmPlan {
  readonly periodSeconds: number;
  readonly alarms: AlarmSpec[];
  /** Features without an alarm, and why (in baseline order). */
  readonly skipped: Array<{ feature: string; reason: string }>;
}

/**
 * Alarm period: the window length, rounded up to a multiple of 60 s, because standard-resolution
 * metrics take periods of 60 s multiples only (API Reference, PutMetricAlarm: Period). One drift
 * datum per window then falls in each period (or none or two when a window is not a whole number
 * of minutes, which Maximum and notBreaching absorb).
 */
export function alarmPeriodSeconds(windowSeconds: number): number {
  return Math.ceil(windowSeconds / 60) * 60;
}

/**
 * One alarm per feature whose drift metric dqstream publishes: `feature_baseline_drift_<f>` >
 * the feature's drift threshold (comparison_threshold for numeric features,
 * categorical_comparison_threshold for String ones, per-feature overrides applied), Statistic
 * Maximum over one window, `evaluation_periods` windows with `datapoints_to_alarm` breaching,
 * missing data notBreaching (no traffic is not drift), optional SNS action. A feature gets none
 * when its drift check cannot run or its metric is not published; `skipped` says why.
 */
export function planAlarms(i: AlarmPlanInput): AlarmPlan {
  const cw = i.cloudwatch;
  const periodSeconds = alarmPeriodSeconds(i.windowSeconds);
  const sns = i.snsTopicArn ?? cw.alarms.sns_topic_arn;
  const alarms: AlarmSpec[] = [];
  const skipped: Array<{ feature: string; reason: string }> = [];
  for (const f of i.baseline.features) {
    const t = thresholdOf(f);
    if (typeof t === "string") {
      skipped.push({ feature: f.name, reason: t });
      continue;
    }
    const metricName = `${FEATURE_BASELINE_DRIFT}${f.name}`;
    const name = `${cw.alarms.name_prefix}${i.endpoint}-${i.schedule}-${metricName}`;
    if (name.length > MAX_ALARM_NAME) {
      skipped.push({ feature: f.name, reason: `the alarm name would be ${name.length} characters (CloudWatch allows ${MAX_ALARM_NAME})` });
      continue;
    }
    alarms.push({
      name,
      description: `dqstream: baseline drift (${t.method}) of feature "${f.name}" on endpoint ${i.endpoint}, schedule ${i.schedule} above ${t.threshold}. Managed by dqstream alarms.`,
      namespace: cw.namespace,
      metricName,
      dimensions: [
        { name: cw.dimensions.endpoint, value: i.endpoint },
        { name: cw.dimensions.schedule, value: i.schedule },
      ],
      statistic: "Maximum",
      periodSeconds,
      evaluationPeriods: cw.alarms.evaluation_periods,
      datapointsToAlarm: cw.alarms.datapoints_to_alarm ?? cw.alarms.evaluation_periods,
      threshold: t.threshold,
      comparison: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: sns === undefined ? [] : [sns],
      okActions: sns !== undefined && cw.alarms.ok_actions ? [sns] : [],
    });
  }
  return { periodSeconds, alarms, skipped };
}

/** The feature's drift threshold and method, or why it has no drift metric. */
function thresholdOf(f: BaselineFeature): { threshold: number; method: string } | string {
  const c = f.config;
  if (c.evaluate_constraints !== "Enabled") return "evaluate_constraints is Disabled (no drift check)";
  if (c.emit_metrics !== "Enabled") return "emit_metrics is Disabled (no metric published)";
  const dc = c.distribution_constraints;
  if (dc.perform_comparison !== "Enabled") return "perform_comparison is Disabled (no drift check)";
  const type = f.constraints?.inferred_type ?? f.inferred_type;
  const method = dc.comparison_method === "Robust" ? "L∞ robust" : "L∞ simple";
  if (type === "Integral" || type === "Fractional") {
    if (f.distribution === undefined || f.distribution.total === 0) return "the baseline has no kll sketch (no drift check)";
    return { threshold: dc.comparison_threshold, method };
  }
  if (type === "String") {
    if (dc.categorical_drift_method === "ChiSquared") return "ChiSquared drift is a p-value (smaller is worse), not published as a drift distance";
    if (f.categories === undefined || f.categories.length === 0) return "the baseline has no categorical buckets (no drift check)";
    return { threshold: dc.categorical_comparison_threshold, method };
  }
  return `no drift check for inferred_type ${type}`;
}

/** True when the existing alarm already has the spec's configuration (then nothing is sent). */
export function sameAlarm(spec: AlarmSpec, existing: ExistingAlarm): boolean {
  const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((x, k) => x === [...b].sort()[k]);
  const dims = (d: AlarmSpec["dimensions"]): string[] => d.map((x) => `${x.name}=${x.value}`);
  return (
    existing.description === spec.description &&
    existing.namespace === spec.namespace &&
    existing.metricName === spec.metricName &&
    sameList(dims(existing.dimensions), dims(spec.dimensions)) &&
    existing.statistic === spec.statistic &&
    existing.periodSeconds === spec.periodSeconds &&
    existing.evaluationPeriods === spec.evaluationPeriods &&
    existing.datapointsToAlarm === spec.datapointsToAlarm &&
    existing.threshold === spec.threshold &&
    existing.comparison === spec.comparison &&
    existing.treatMissingData === spec.treatMissingData &&
    sameList(existing.alarmActions, spec.alarmActions) &&
    sameList(existing.okActions, spec.okActions)
  );
}
