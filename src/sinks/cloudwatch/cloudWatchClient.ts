// The only module that imports @aws-sdk/client-cloudwatch: the rest of dqstream sees the small
// interfaces of api.ts, so tests can fake CloudWatch and the SDK can be swapped in one place.
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type MetricAlarm,
  type MetricDatum,
} from "@aws-sdk/client-cloudwatch";
import type { Batch } from "./batching.js";
import type { Datum } from "./datums.js";
import { ConfigError } from "../../config/loadConfig.js";
import { quietAwsSdkNodeWarning } from "../../config/awsSdk.js";
import { classifyError, type AlarmSpec, type AlarmsApi, type ExistingAlarm, type PutMetricDataApi } from "./api.js";

export interface CloudWatchClientOptions {
  /** Default: the SDK's chain (AWS_REGION, then the shared config file's profile). */
  region?: string | undefined;
  /** Endpoint override (VPC endpoint, emulator); default: the region's public endpoint. */
  endpointUrl?: string | undefined;
  /** Per attempt: connection and whole-request timeout, in milliseconds. */
  requestTimeoutMs: number;
}

/**
 * A CloudWatch client with credentials from the SDK's default provider chain (environment, shared
 * files, SSO, web identity, ECS/EC2 metadata), one attempt per call (retries belong to the
 * publisher, which counts them) and the given timeout.
 */
function newClient(o: CloudWatchClientOptions): CloudWatchClient {
  quietAwsSdkNodeWarning();
  return new CloudWatchClient({
    ...(o.region === undefined ? {} : { region: o.region }),
    ...(o.endpointUrl === undefined ? {} : { endpoint: o.endpointUrl }),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: o.requestTimeoutMs, requestTimeout: o.requestTimeoutMs },
  });
}

/**
 * Fails fast, as a configuration error, when neither cloudwatch.region nor the SDK's chain gives
 * a region: otherwise every request would fail the same way and only the drop counters would say.
 */
async function checkRegion(client: CloudWatchClient): Promise<void> {
  try {
    const region = await client.config.region();
    if (region) return;
  } catch {
    // reported below
  }
  throw new ConfigError("cloudwatch.region: not set, and the AWS SDK found no region either (set AWS_REGION, a profile's region, or cloudwatch.region)");
}

function toMetricDatum(d: Datum): MetricDatum {
  const out: MetricDatum = {
    MetricName: d.name,
    Dimensions: d.dimensions.map((x) => ({ Name: x.name, Value: x.value })),
    Timestamp: new Date(d.timestampMs),
    Unit: d.unit,
  };
  if (d.value !== undefined) out.Value = d.value;
  if (d.stats !== undefined) out.StatisticValues = { SampleCount: d.stats.sampleCount, Sum: d.stats.sum, Minimum: d.stats.min, Maximum: d.stats.max };
  return out;
}

/** PutMetricData over the SDK; failures become CloudWatchCallErrors (api.ts classifyError). Throws a ConfigError without a region. */
export async function createPutMetricDataApi(o: CloudWatchClientOptions): Promise<PutMetricDataApi & { destroy(): void }> {
  const client = newClient(o);
  await checkRegion(client);
  return {
    async putMetricData(batch: Batch, signal: AbortSignal): Promise<void> {
      try {
        await client.send(new PutMetricDataCommand({ Namespace: batch.namespace, MetricData: batch.datums.map(toMetricDatum) }), { abortSignal: signal });
      } catch (e) {
        throw classifyError(e, signal.aborted);
      }
    },
    destroy: () => client.destroy(),
  };
}

/** DescribeAlarms / PutMetricAlarm for `dqstream alarms`, each call bounded by the timeout. Throws a ConfigError without a region. */
export async function createAlarmsApi(o: CloudWatchClientOptions): Promise<AlarmsApi & { destroy(): void }> {
  const client = newClient(o);
  await checkRegion(client);
  const call = async <T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const signal = AbortSignal.timeout(o.requestTimeoutMs);
    try {
      return await f(signal);
    } catch (e) {
      throw classifyError(e, signal.aborted);
    }
  };
  return {
    async describeAlarms(names: readonly string[]): Promise<Map<string, ExistingAlarm>> {
      const out = new Map<string, ExistingAlarm>();
      // DescribeAlarms takes at most 100 AlarmNames (API Reference, DescribeAlarms).
      for (let i = 0; i < names.length; i += 100) {
        let token: string | undefined;
        do {
          const page = await call((abortSignal) =>
            client.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm"], NextToken: token }), { abortSignal }),
          );
          for (const a of page.MetricAlarms ?? []) if (a.AlarmName !== undefined) out.set(a.AlarmName, fromMetricAlarm(a));
          token = page.NextToken;
        } while (token !== undefined);
      }
      return out;
    },
    async putMetricAlarm(s: AlarmSpec): Promise<void> {
      await call((abortSignal) =>
        client.send(
          new PutMetricAlarmCommand({
            AlarmName: s.name,
            AlarmDescription: s.description,
            Namespace: s.namespace,
            MetricName: s.metricName,
            Dimensions: s.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
            Statistic: s.statistic,
            Period: s.periodSeconds,
            EvaluationPeriods: s.evaluationPeriods,
            DatapointsToAlarm: s.datapointsToAlarm,
            Threshold: s.threshold,
            ComparisonOperator: s.comparison,
            TreatMissingData: s.treatMissingData,
            ActionsEnabled: true,
            AlarmActions: s.alarmActions,
            OKActions: s.okActions,
          }),
          { abortSignal },
        ),
      );
    },
    destroy: () => client.destroy(),
  };
}

function fromMetricAlarm(a: MetricAlarm): ExistingAlarm {
  return {
    name: a.AlarmName ?? "",
    description: a.AlarmDescription,
    namespace: a.Namespace ?? "",
    metricName: a.MetricName ?? "",
    dimensions: (a.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
    statistic: a.Statistic as "Maximum",
    periodSeconds: a.Period ?? 0,
    evaluationPeriods: a.EvaluationPeriods ?? 0,
    datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods ?? 0,
    threshold: a.Threshold ?? Number.NaN,
    comparison: a.ComparisonOperator as "GreaterThanThreshold",
    treatMissingData: a.TreatMissingData as "notBreaching",
    alarmActions: a.AlarmActions ?? [],
    okActions: a.OKActions ?? [],
  };
}
