import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAlarmsConfig, runAlarms, CloudWatchApiFailure } from "../../src/cli/alarmsCommand.js";
import { CloudWatchSchema, type CloudWatchConfig } from "../../src/sinks/cloudwatch/cloudwatchSchema.js";
import type { RunConfig } from "../../src/config/schema.js";
import { alarmPeriodSeconds } from "../../src/sinks/cloudwatch/alarmPlan.js";
import { CloudWatchCallError, type AlarmSpec, type AlarmsApi, type ExistingAlarm } from "../../src/sinks/cloudwatch/api.js";
import { useFakeAwsCredentials } from "../setup/moto.js";
import { ensureBuilt, runCli } from "../support/cli.js";

const STATISTICS = resolve("test/golden/baseline/csv-header/statistics.json");
const CONSTRAINTS = resolve("test/golden/baseline/csv-header/constraints.json");

/** A fake CloudWatch keeping alarms in a map; can fail PutMetricAlarm for one name. */
class FakeAlarms implements AlarmsApi {
  readonly alarms = new Map<string, AlarmSpec>();
  puts = 0;
  failOn: string | undefined;
  async describeAlarms(names: readonly string[]): Promise<Map<string, ExistingAlarm>> {
    return new Map(names.flatMap((n) => (this.alarms.has(n) ? [[n, this.alarms.get(n) as ExistingAlarm] as const] : [])));
  }
  async putMetricAlarm(spec: AlarmSpec): Promise<void> {
    if (spec.name === this.failOn) throw new CloudWatchCallError("rejected", "LimitExceeded: too many alarms", 400);
    this.puts++;
    this.alarms.set(spec.name, structuredClone(spec));
  }
}

let tmp: string;
let constraintsWithOverrides: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-alarms-"));
  const c = JSON.parse(await (await import("node:fs/promises")).readFile(CONSTRAINTS, "utf8")) as {
    features: Array<{ name: string; monitoringConfigOverrides?: unknown }>;
  };
  const f = (name: string): { monitoringConfigOverrides?: unknown } => c.features.find((x) => x.name === name) as { monitoringConfigOverrides?: unknown };
  f("day_mins").monitoringConfigOverrides = { distribution_constraints: { comparison_threshold: 0.25 } };
  f("plan").monitoringConfigOverrides = { distribution_constraints: { categorical_drift_method: "ChiSquared" } };
  f("eve_mins").monitoringConfigOverrides = { emit_metrics: "Disabled" };
  f("voicemail").monitoringConfigOverrides = { distribution_constraints: { categorical_comparison_threshold: 0.3 } };
  constraintsWithOverrides = join(tmp, "constraints.json");
  await writeFile(constraintsWithOverrides, JSON.stringify(c));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function config(over: Partial<RunConfig> = {}): RunConfig {
  return {
    baseline: { statistics: STATISTICS, constraints: constraintsWithOverrides },
    reports_dir: tmp,
    endpoint: "churn",
    schedule: "hourly",
    window_seconds: 3600,
    allowed_lateness_seconds: 0,
    fallback_to_source_timestamp: true,
    category_cap: 1000,
    ...over,
  } as RunConfig;
}
const cw = (over: Record<string, unknown> = {}): CloudWatchConfig => CloudWatchSchema.parse({ enabled: true, ...over });

describe("runAlarms", () => {
  it("creates one alarm per feature with a published drift metric, at the feature's threshold", async () => {
    const api = new FakeAlarms();
    const lines: string[] = [];
    const out = await runAlarms(
      config(),
      cw({ alarms: { sns_topic_arn: "arn:aws:sns:us-east-1:123456789012:drift" } }),
      api,
      { dryRun: false, configFile: "c.yaml" },
      (l) => lines.push(l),
    );
    const day = api.alarms.get("dqstream-churn-hourly-feature_baseline_drift_day_mins");
    expect(day).toMatchObject({
      namespace: "aws/sagemaker/Endpoints/data-metrics",
      metricName: "feature_baseline_drift_day_mins",
      dimensions: [
        { name: "Endpoint", value: "churn" },
        { name: "MonitoringSchedule", value: "hourly" },
      ],
      statistic: "Maximum",
      periodSeconds: 3600,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0.25,
      comparison: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: ["arn:aws:sns:us-east-1:123456789012:drift"],
      okActions: [],
    });
    expect(api.alarms.get("dqstream-churn-hourly-feature_baseline_drift_account_length")?.threshold).toBe(0.1);
    expect(api.alarms.get("dqstream-churn-hourly-feature_baseline_drift_state")?.threshold).toBe(0.1);
    expect(api.alarms.get("dqstream-churn-hourly-feature_baseline_drift_voicemail")?.threshold).toBe(0.3);
    expect(out.skipped.map((s) => s.feature).sort()).toEqual(["eve_mins", "plan"]);
    expect(out.created).toHaveLength(11);
    expect(lines.at(-1)).toBe("11 created, 0 updated, 0 unchanged, 2 skipped");
    expect(lines.some((l) => /skipped\s+plan: ChiSquared/.test(l))).toBe(true);
    expect(lines.some((l) => /skipped\s+eve_mins: emit_metrics is Disabled/.test(l))).toBe(true);
  });

  it("sends nothing when the alarms already match, and updates only what changed", async () => {
    const api = new FakeAlarms();
    const quiet = (): void => {};
    await runAlarms(config(), cw(), api, { dryRun: false, configFile: "c" }, quiet);
    const puts = api.puts;
    const again = await runAlarms(config(), cw(), api, { dryRun: false, configFile: "c" }, quiet);
    expect(api.puts).toBe(puts);
    expect(again.unchanged).toHaveLength(11);
    const changed = await runAlarms(config(), cw(), api, { dryRun: false, configFile: "c", snsTopicArn: "arn:aws:sns:us-east-1:123456789012:t" }, quiet);
    expect(changed.updated).toHaveLength(11);
    expect(api.alarms.get("dqstream-churn-hourly-feature_baseline_drift_churn")?.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:t"]);
  });

  it("changes nothing in a dry run", async () => {
    const api = new FakeAlarms();
    const lines: string[] = [];
    const out = await runAlarms(config(), cw(), api, { dryRun: true, configFile: "c" }, (l) => lines.push(l));
    expect(api.puts).toBe(0);
    expect(out.created).toHaveLength(11);
    expect(lines.filter((l) => l.includes("would be created"))).toHaveLength(11);
  });

  it("uses the configured namespace, dimension names, prefix, evaluation periods and a period rounded up to minutes", async () => {
    const api = new FakeAlarms();
    await runAlarms(
      config({ window_seconds: 90 }),
      cw({
        namespace: "team/drift",
        dimensions: { endpoint: "EndpointName", schedule: "ScheduleName" },
        alarms: { name_prefix: "x-", evaluation_periods: 3, datapoints_to_alarm: 2 },
      }),
      api,
      { dryRun: false, configFile: "c" },
      () => {},
    );
    const a = api.alarms.get("x-churn-hourly-feature_baseline_drift_churn");
    expect(a).toMatchObject({ namespace: "team/drift", periodSeconds: 120, evaluationPeriods: 3, datapointsToAlarm: 2 });
    expect(a?.dimensions.map((d) => d.name)).toEqual(["EndpointName", "ScheduleName"]);
    expect([60, 61, 600, 3600, 86400].map(alarmPeriodSeconds)).toEqual([60, 120, 600, 3600, 86400]);
  });

  it("stops with a CloudWatchApiFailure naming the call when CloudWatch refuses", async () => {
    const api = new FakeAlarms();
    api.failOn = "dqstream-churn-hourly-feature_baseline_drift_state";
    await expect(runAlarms(config(), cw({ endpoint_url: "http://127.0.0.1:1" }), api, { dryRun: false, configFile: "c" }, () => {})).rejects.toThrow(
      new CloudWatchApiFailure(
        "CloudWatch (http://127.0.0.1:1)",
        "PutMetricAlarm dqstream-churn-hourly-feature_baseline_drift_state failed: LimitExceeded: too many alarms",
      ),
    );
  });

  it("says so when cloudwatch.enabled is not true", async () => {
    const lines: string[] = [];
    await runAlarms(config(), CloudWatchSchema.parse({}), new FakeAlarms(), { dryRun: true, configFile: "c.yaml" }, (l) => lines.push(l));
    expect(lines[1]).toBe("note: cloudwatch.enabled is not true in c.yaml: dqstream publishes no metrics, so these alarms will not see data");
  });
});

describe("resolveAlarmsConfig", () => {
  it("reads a replay config and a monitor config (kafka key), with cloudwatch defaults", async () => {
    const replay = join(tmp, "replay.yaml");
    await writeFile(replay, `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\n`);
    const r = await resolveAlarmsConfig({ config: replay });
    expect(r.cloudwatch.namespace).toBe("aws/sagemaker/Endpoints/data-metrics");
    expect(r.config.reports_dir).toBe(join(tmp, "r"));
    const monitor = join(tmp, "monitor.yaml");
    await writeFile(
      monitor,
      `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\nkafka: {brokers: ["127.0.0.1:9092"], topics: [t]}\ncloudwatch: {enabled: true, own_metrics: false}\n`,
    );
    const m = await resolveAlarmsConfig({ config: monitor });
    expect(m.cloudwatch.own_metrics).toBe(false);
  });

  it("takes DQSTREAM_ variables over the file, as the other commands do, and names the variable in errors", async () => {
    const file = join(tmp, "env.yaml");
    await writeFile(
      file,
      `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\ncloudwatch: {enabled: true, alarms: {evaluation_periods: 1}}\n`,
    );
    const r = await resolveAlarmsConfig({ config: file }, { DQSTREAM_CLOUDWATCH__ALARMS__EVALUATION_PERIODS: "3", DQSTREAM_ENDPOINT: "churn" });
    expect(r.cloudwatch.alarms.evaluation_periods).toBe(3);
    expect(r.config.endpoint).toBe("churn");
    await expect(resolveAlarmsConfig({ config: file }, { DQSTREAM_CLOUDWATCH__ALARMS__EVALUATION_PERIODS: "0" })).rejects.toThrow(
      /DQSTREAM_CLOUDWATCH__ALARMS__EVALUATION_PERIODS: cloudwatch\.alarms\.evaluation_periods/,
    );
  });
});

describe("dqstream alarms (CLI exit codes)", () => {
  beforeAll(() => {
    ensureBuilt();
    // children inherit them: the SDK then gets as far as connecting
    useFakeAwsCredentials();
  });

  it("exits 2 naming the key for a bad cloudwatch section", async () => {
    const file = join(tmp, "bad.yaml");
    await writeFile(
      file,
      `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\ncloudwatch: {enabled: true, max_attempts: 0, namespce: x}\n`,
    );
    const r = runCli(tmp, ["alarms", "--config", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: unknown key cloudwatch.namespce`);
    expect(r.stderr).toContain("cloudwatch.max_attempts");
  });

  it("exits 2 for a malformed --sns-topic-arn and for a missing --config", async () => {
    const file = join(tmp, "ok.yaml");
    await writeFile(file, `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\n`);
    const r = runCli(tmp, ["alarms", "--config", file, "--sns-topic-arn", "not-an-arn"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--sns-topic-arn: expected an SNS topic ARN");
    expect(runCli(tmp, ["alarms"]).status).toBe(2);
  });

  it("exits 1 with CloudWatch's message when it cannot be reached", async () => {
    const file = join(tmp, "unreachable.yaml");
    await writeFile(
      file,
      `baseline: {statistics: ${STATISTICS}, constraints: ${CONSTRAINTS}}\nreports_dir: r\ncloudwatch: {enabled: true, region: us-east-1, endpoint_url: "http://127.0.0.1:9", request_timeout_ms: 2000}\n`,
    );
    const r = runCli(tmp, ["alarms", "--config", file], undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: CloudWatch \(http:\/\/127\.0\.0\.1:9\): DescribeAlarms failed: .*ECONNREFUSED/);
    expect(r.stderr).not.toContain("    at ");
  });
});
