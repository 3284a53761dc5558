import type { Command } from "commander";
import { loadBaseline } from "../baseline/loadBaseline.js";
import { CloudWatchSchema, AlarmsSchema, type CloudWatchConfig } from "../sinks/cloudwatch/cloudwatchSchema.js";
import type * as z from "zod";
import { ConfigError } from "../config/loadConfig.js";
import { MonitorConfigSchema } from "../config/monitorSchema.js";
import { RunConfigSchema, type RunConfig } from "../config/schema.js";
import { InputError } from "../records/inputBytes.js";
import { planAlarms, sameAlarm } from "../sinks/cloudwatch/alarmPlan.js";
import { CloudWatchCallError, type AlarmsApi, type ExistingAlarm } from "../sinks/cloudwatch/api.js";
import { createAlarmsApi } from "../sinks/cloudwatch/cloudWatchClient.js";
import { resolveCommandConfig } from "./commandConfig.js";

interface AlarmsFlags {
  config: string;
  snsTopicArn?: string;
  dryRun?: boolean;
}

/**
 * A CloudWatch call that failed: exit code 1 with the API's message (an InputError, whose "input"
 * is the CloudWatch endpoint, so the CLI prints the message without a stack).
 */
export class CloudWatchApiFailure extends InputError {
  constructor(where: string, message: string) {
    super(where, message);
    this.name = "CloudWatchApiFailure";
  }
}

export function registerAlarms(program: Command): void {
  program
    .command("alarms")
    .description("create or update one CloudWatch alarm per feature on feature_baseline_drift_<feature> with the constraints' drift threshold")
    .requiredOption("--config <file>", "the replay or monitor config file (baseline, endpoint, schedule, window_seconds, cloudwatch)")
    .option("--sns-topic-arn <arn>", "SNS topic notified when an alarm fires (overrides cloudwatch.alarms.sns_topic_arn)")
    .option("--dry-run", "print what would be created or updated, change nothing (still reads existing alarms)")
    .exitOverride()
    .action(async (flags: AlarmsFlags) => {
      const { config, cloudwatch } = await resolveAlarmsConfig(flags);
      const api = await createAlarmsApi({ region: cloudwatch.region, endpointUrl: cloudwatch.endpoint_url, requestTimeoutMs: cloudwatch.request_timeout_ms });
      try {
        const warn = (warning: string): boolean => process.stderr.write(`warning: ${warning}\n`);
        await runAlarms(config, cloudwatch, api, { dryRun: flags.dryRun === true, snsTopicArn: flags.snsTopicArn, configFile: flags.config, warn }, (line) =>
          process.stdout.write(`${line}\n`),
        );
      } finally {
        api.destroy();
      }
    });
}

/**
 * The config file (replay's or monitor's schema, told apart by a `kafka` key) overridden by
 * DQSTREAM_… variables, as the other commands read it, and its cloudwatch section with defaults.
 */
export async function resolveAlarmsConfig(
  flags: AlarmsFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ config: RunConfig; cloudwatch: CloudWatchConfig }> {
  const config = (await resolveCommandConfig((merged): z.ZodType => ("kafka" in merged ? MonitorConfigSchema : RunConfigSchema), {
    file: flags.config,
    flags: {},
    flagKeys: [],
    required: 0,
    env,
  })) as RunConfig;
  if (flags.snsTopicArn !== undefined) {
    const r = AlarmsSchema.shape.sns_topic_arn.safeParse(flags.snsTopicArn);
    if (!r.success) throw new ConfigError(`--sns-topic-arn: ${r.error.issues[0]?.message ?? "invalid"}, got "${flags.snsTopicArn}"`);
  }
  return { config, cloudwatch: config.cloudwatch ?? CloudWatchSchema.parse({}) };
}

export interface AlarmsRunOptions {
  dryRun: boolean;
  snsTopicArn?: string | undefined;
  configFile: string;
  /** The baseline loader's warnings (default: none shown). */
  warn?: (warning: string) => void;
}

export interface AlarmsOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  skipped: Array<{ feature: string; reason: string }>;
}

/**
 * Plans the alarms (alarmPlan.ts), reads the existing ones, and sends PutMetricAlarm for those
 * that are new or differ; prints one line per feature and a summary. A failed call stops the run
 * with a CloudWatchApiFailure after printing what was done before it.
 */
export async function runAlarms(
  config: RunConfig,
  cloudwatch: CloudWatchConfig,
  api: AlarmsApi,
  o: AlarmsRunOptions,
  print: (line: string) => void,
): Promise<AlarmsOutcome> {
  const loaded = await loadBaseline(config.baseline.statistics, config.baseline.constraints);
  for (const w of loaded.warnings) o.warn?.(w);
  const plan = planAlarms({
    baseline: loaded.baseline,
    cloudwatch,
    endpoint: config.endpoint,
    schedule: config.schedule,
    windowSeconds: config.window_seconds,
    snsTopicArn: o.snsTopicArn,
  });
  const where = `CloudWatch (${cloudwatch.endpoint_url ?? `region ${cloudwatch.region ?? "from the AWS SDK's configuration"}`})`;
  const guard = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof CloudWatchCallError) throw new CloudWatchApiFailure(where, `${what} failed: ${e.message}`);
      throw e;
    }
  };
  const dims = `${cloudwatch.dimensions.endpoint}=${config.endpoint}, ${cloudwatch.dimensions.schedule}=${config.schedule}`;
  print(
    `alarms: ${loaded.baseline.features.length} baseline features; namespace ${cloudwatch.namespace}; dimensions ${dims}; period ${plan.periodSeconds} s${o.dryRun ? " (dry run)" : ""}`,
  );
  if (!cloudwatch.enabled) print(`note: cloudwatch.enabled is not true in ${o.configFile}: dqstream publishes no metrics, so these alarms will not see data`);
  const existing =
    plan.alarms.length === 0 ? new Map<string, ExistingAlarm>() : await guard("DescribeAlarms", () => api.describeAlarms(plan.alarms.map((a) => a.name)));
  const out: AlarmsOutcome = { created: [], updated: [], unchanged: [], skipped: plan.skipped };
  const width = Math.max(0, ...plan.alarms.map((a) => a.name.length));
  const byFeature = new Map(plan.alarms.map((a) => [a.metricName, a]));
  const skippedByFeature = new Map(plan.skipped.map((s) => [s.feature, s.reason]));
  for (const f of loaded.baseline.features) {
    const reason = skippedByFeature.get(f.name);
    if (reason !== undefined) {
      print(`  ${"skipped".padEnd(16)} ${f.name}: ${reason}`);
      continue;
    }
    const spec = byFeature.get(`feature_baseline_drift_${f.name}`);
    if (spec === undefined) continue;
    const before = existing.get(spec.name);
    const verb = before === undefined ? "created" : sameAlarm(spec, before) ? "unchanged" : "updated";
    if (verb !== "unchanged" && !o.dryRun) await guard(`PutMetricAlarm ${spec.name}`, () => api.putMetricAlarm(spec));
    out[verb].push(spec.name);
    const shown = o.dryRun && verb !== "unchanged" ? `would be ${verb}` : verb;
    const actions = spec.alarmActions.length > 0 ? `, notifies ${spec.alarmActions.join(", ")}` : "";
    print(
      `  ${shown.padEnd(16)} ${spec.name.padEnd(width)}  Maximum > ${spec.threshold} in ${spec.datapointsToAlarm} of ${spec.evaluationPeriods} periods${actions}`,
    );
  }
  const summary = `${out.created.length} ${o.dryRun ? "to create" : "created"}, ${out.updated.length} ${o.dryRun ? "to update" : "updated"}, ${out.unchanged.length} unchanged, ${out.skipped.length} skipped`;
  print(summary);
  return out;
}
