/**
 * CloudWatch round trip against a real moto server (test/setup/motoServer.ts), which speaks the
 * AWS JSON 1.0 protocol of the SDK version dqstream ships: `dqstream replay` with the cloudwatch
 * section on, then GetMetricData / ListMetrics read back names, dimensions, values and timestamps;
 * `dqstream alarms` then DescribeAlarms.
 */
import { DescribeAlarmsCommand, GetMetricDataCommand, ListMetricsCommand, type CloudWatchClient, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoUrl, readBackClient, useFakeAwsCredentials } from "../setup/moto.js";
import { ensureBuilt, runCli } from "../support/cli.js";
import { CONSTRAINTS, recentCaptures, recentStart, recentReports, STATISTICS, uniqueEndpoint, WINDOW_MS } from "./cloudwatchFixtures.js";

const NS = "aws/sagemaker/Endpoints/data-metrics";

let tmp: string;
let client: CloudWatchClient;
let endpoint: string;
let configFile: string;
let windowStarts: number[];
let replay: ReturnType<typeof runCli>;

beforeAll(async () => {
  ensureBuilt();
  useFakeAwsCredentials();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-cw-it-"));
  client = readBackClient();
  endpoint = uniqueEndpoint("cw");
  const captures = await recentCaptures(tmp, recentStart());
  windowStarts = captures.windowStarts;
  configFile = join(tmp, "config.yaml");
  await writeFile(
    configFile,
    [
      `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}`,
      "reports_dir: reports",
      `endpoint: ${endpoint}`,
      "schedule: ten-minutes",
      "window_seconds: 600",
      "cloudwatch:",
      "  enabled: true",
      `  endpoint_url: ${motoUrl()}`,
      "  region: us-east-1",
      "  alarms: {evaluation_periods: 2, sns_topic_arn: 'arn:aws:sns:us-east-1:123456789012:drift'}",
      "",
    ].join("\n"),
  );
  // replay exits only after the sink delivered (or gave up) everything it queued
  replay = runCli(tmp, ["replay", "--config", configFile, ...captures.files]);
});

afterAll(async () => {
  client?.destroy();
  await rm(tmp, { recursive: true, force: true });
});

const dims = () => [
  { Name: "Endpoint", Value: endpoint },
  { Name: "MonitoringSchedule", Value: "ten-minutes" },
];

async function metricData(
  namespace: string,
  metric: string,
  stats: string[],
  extraDims: Array<{ Name: string; Value: string }> = [],
): Promise<MetricDataResult[]> {
  const res = await client.send(
    new GetMetricDataCommand({
      StartTime: new Date((windowStarts[0] as number) - WINDOW_MS),
      EndTime: new Date((windowStarts.at(-1) as number) + 2 * WINDOW_MS),
      MetricDataQueries: stats.map((s, i) => ({
        Id: `q${i}`,
        MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: [...dims(), ...extraDims] }, Period: 600, Stat: s },
      })),
    }),
  );
  return res.MetricDataResults ?? [];
}

/** Timestamp (ms) → value of one query's result. */
const series = (r: MetricDataResult | undefined): Map<number, number> => new Map((r?.Timestamps ?? []).map((t, i) => [t.getTime(), r?.Values?.[i] as number]));

describe("replay → CloudWatch (moto)", () => {
  it("replay succeeds and writes every window's report", async () => {
    expect(replay.stderr).toBe("");
    expect(replay.status).toBe(0);
    expect([...(await recentReports(join(tmp, "reports"))).keys()].sort()).toEqual(windowStarts);
  });

  it("ListMetrics has the three SageMaker metrics per feature with the Endpoint and MonitoringSchedule dimensions", async () => {
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const page = await client.send(new ListMetricsCommand({ Namespace: NS, Dimensions: dims(), NextToken: token }));
      for (const m of page.Metrics ?? []) {
        names.add(m.MetricName as string);
        expect(m.Dimensions?.map((d) => [d.Name, d.Value]).sort()).toEqual(
          dims()
            .map((d) => [d.Name, d.Value])
            .sort(),
        );
      }
      token = page.NextToken;
    } while (token !== undefined);
    for (const f of ["churn", "account_length", "day_mins", "monthly_charge"])
      for (const p of ["feature_data_", "feature_non_null_", "feature_baseline_drift_"]) expect(names).toContain(`${p}${f}`);
    for (const f of ["state", "plan", "voicemail"]) {
      expect(names).toContain(`feature_non_null_${f}`);
      expect(names).toContain(`feature_baseline_drift_${f}`);
      expect(names).not.toContain(`feature_data_${f}`);
    }
  });

  it("feature_data_ carries each window's SampleCount, Sum, Minimum and Maximum from its statistics.json, at the window end", async () => {
    const onDisk = await recentReports(join(tmp, "reports"));
    const [sum, count, min, max] = (await metricData(NS, "feature_data_day_mins", ["Sum", "SampleCount", "Minimum", "Maximum"])).map(series);
    expect([...(sum as Map<number, number>).keys()].sort()).toEqual(windowStarts.map((w) => w + WINDOW_MS));
    for (const w of windowStarts) {
      const feature = (
        onDisk.get(w)?.statistics["features"] as Array<{
          name: string;
          numerical_statistics: { common: { num_present: number }; sum: number; min: number; max: number };
        }>
      ).find((f) => f.name === "day_mins");
      const n = feature?.numerical_statistics;
      expect(sum?.get(w + WINDOW_MS)).toBeCloseTo(n?.sum as number, 6);
      expect(count?.get(w + WINDOW_MS)).toBe(n?.common.num_present);
      expect(min?.get(w + WINDOW_MS)).toBe(n?.min);
      expect(max?.get(w + WINDOW_MS)).toBe(n?.max);
    }
  });

  it("feature_baseline_drift_ is each window's drift distance from window.json, and shows the drifted window", async () => {
    const onDisk = await recentReports(join(tmp, "reports"));
    const drift = series((await metricData(NS, "feature_baseline_drift_day_mins", ["Maximum"]))[0]);
    for (const w of windowStarts) {
      const checks = onDisk.get(w)?.window["checks"] as Array<{ feature_name: string; constraint_check_type: string; value: number }>;
      const e = checks.find((c) => c.feature_name === "day_mins" && c.constraint_check_type === "baseline_drift_check");
      expect(drift.get(w + WINDOW_MS)).toBe(e?.value);
    }
    // csv-start shifts day_mins by 120 in its second window
    expect(drift.get((windowStarts[1] as number) + WINDOW_MS)).toBeGreaterThan(0.1);
    const nonNull = series((await metricData(NS, "feature_non_null_intl_mins", ["Average"]))[0]);
    expect(nonNull.get((windowStarts[2] as number) + WINDOW_MS)).toBeLessThan(0.8);
    expect(nonNull.get((windowStarts[0] as number) + WINDOW_MS)).toBe(1);
  });

  it("dqstream's own metrics count records and violations per check type", async () => {
    const onDisk = await recentReports(join(tmp, "reports"));
    const counted = series((await metricData("dqstream", "records_counted", ["Sum"]))[0]);
    const violations = series((await metricData("dqstream", "violations", ["Sum"]))[0]);
    const drift = series((await metricData("dqstream", "violations", ["Sum"], [{ Name: "CheckType", Value: "baseline_drift_check" }]))[0]);
    for (const w of windowStarts) {
      const win = onDisk.get(w)?.window as { records: { counted: number }; violations: number };
      expect(counted.get(w + WINDOW_MS)).toBe(win.records.counted);
      expect(violations.get(w + WINDOW_MS)).toBe(win.violations);
    }
    expect(drift.get((windowStarts[1] as number) + WINDOW_MS)).toBeGreaterThanOrEqual(1);
    expect(drift.get((windowStarts[0] as number) + WINDOW_MS)).toBe(0);
  });
});

describe("dqstream alarms → CloudWatch (moto)", () => {
  it("creates the drift alarms, which DescribeAlarms returns; a second run changes nothing", async () => {
    const first = runCli(tmp, ["alarms", "--config", configFile]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("13 created, 0 updated, 0 unchanged, 0 skipped");
    const prefix = `dqstream-${endpoint}-ten-minutes-`;
    const res = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
    const alarms = res.MetricAlarms ?? [];
    expect(alarms).toHaveLength(13);
    const day = alarms.find((a) => a.AlarmName === `${prefix}feature_baseline_drift_day_mins`);
    expect(day).toMatchObject({
      Namespace: NS,
      MetricName: "feature_baseline_drift_day_mins",
      Statistic: "Maximum",
      Period: 600,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 0.1,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: ["arn:aws:sns:us-east-1:123456789012:drift"],
    });
    expect(day?.Dimensions?.map((d) => [d.Name, d.Value])).toEqual(dims().map((d) => [d.Name, d.Value]));

    const second = runCli(tmp, ["alarms", "--config", configFile]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("0 created, 0 updated, 13 unchanged, 0 skipped");

    const third = runCli(tmp, ["alarms", "--config", configFile, "--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:other"]);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain("0 created, 13 updated, 0 unchanged, 0 skipped");
    const after = await client.send(new DescribeAlarmsCommand({ AlarmNames: [`${prefix}feature_baseline_drift_state`] }));
    expect(after.MetricAlarms?.[0]?.AlarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:other"]);
  });
});
