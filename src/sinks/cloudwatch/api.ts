import type { Batch } from "./batching.js";
import { DqstreamError } from "../../errors/DqstreamError.js";

/** Why a request failed, as the retry policy sees it. */
export type FailureKind = "throttled" | "server" | "timeout" | "network" | "rejected";

/**
 * A failed CloudWatch call. `retryable`: throttling, 5xx, timeouts and network errors may succeed
 * later; `rejected` (4xx other than throttling, bad credentials) will not.
 */
export class CloudWatchCallError extends DqstreamError {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super("cloudwatch_call", message, { retriable: kind !== "rejected" });
    this.name = "CloudWatchCallError";
  }

  /** `retriable`, under the name the publisher's policy uses. */
  get retryable(): boolean {
    return this.retriable;
  }
}

/**
 * What the publisher needs from CloudWatch. The real one is cloudWatchClient.ts (the only module
 * that imports the AWS SDK); tests pass fakes. Contract: resolves when CloudWatch accepted the
 * batch; rejects with a CloudWatchCallError otherwise (also when `signal` aborts: kind "timeout").
 */
export interface PutMetricDataApi {
  putMetricData(batch: Batch, signal: AbortSignal): Promise<void>;
}

/** An alarm as `dqstream alarms` manages it. */
export interface AlarmSpec {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: ReadonlyArray<{ name: string; value: string }>;
  statistic: "Maximum";
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: "GreaterThanThreshold";
  treatMissingData: "notBreaching";
  alarmActions: string[];
  okActions: string[];
}

/** The fields of an existing alarm that `dqstream alarms` compares to decide created/updated/unchanged. */
export type ExistingAlarm = Omit<AlarmSpec, "description"> & { description: string | undefined };

export interface AlarmsApi {
  /** Existing alarms among `names` (any number; paged internally), by name. */
  describeAlarms(names: readonly string[]): Promise<Map<string, ExistingAlarm>>;
  /** Creates the alarm or replaces its configuration (PutMetricAlarm is an upsert). */
  putMetricAlarm(spec: AlarmSpec): Promise<void>;
}

/** Error names that mean "slow down" across AWS services (CloudWatch answers Throttling / 429). */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

/**
 * Maps an error thrown by an AWS SDK v3 call (or the abort of `signal`) to a CloudWatchCallError.
 * Pure on the error's shape (`name`, `code`, `$metadata.httpStatusCode`, `$fault`), so tests can
 * feed it plain objects.
 */
export function classifyError(e: unknown, aborted: boolean): CloudWatchCallError {
  if (e instanceof CloudWatchCallError) return e;
  const err = (e ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const name = err.name ?? "Error";
  const message = `${name}: ${err.message ?? String(e)}`;
  const status = err.$metadata?.httpStatusCode;
  if (aborted || name === "AbortError" || name === "TimeoutError" || name === "RequestTimeout") return new CloudWatchCallError("timeout", message, status);
  if (THROTTLING.has(name) || status === 429) return new CloudWatchCallError("throttled", message, status);
  if ((status !== undefined && status >= 500) || err.$fault === "server") return new CloudWatchCallError("server", message, status);
  if (status !== undefined) return new CloudWatchCallError("rejected", message, status);
  if (name === "CredentialsProviderError") return new CloudWatchCallError("rejected", message);
  const code = err.code ?? err.cause?.code;
  if (code !== undefined && NETWORK_CODES.has(code)) return new CloudWatchCallError("network", message);
  // No HTTP answer and no known cause: treat as the network (retrying costs little, dropping loses data).
  return new CloudWatchCallError("network", message);
}
