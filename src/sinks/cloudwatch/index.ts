import type { CloudWatchConfig } from "./cloudwatchSchema.js";
import type { WindowReport } from "../../reports/WindowReport.js";
import type { ReportSink, ReportSinkContext } from "../ReportSink.js";
import type { PutMetricDataApi } from "./api.js";
import { createPutMetricDataApi, type CloudWatchClientOptions } from "./cloudWatchClient.js";
import { windowDatums, type Datum, type DatumOptions } from "./datums.js";
import { EmfSink } from "./emfSink.js";
import { CloudWatchPublisher } from "./publisher.js";
import { CloudWatchSinkMetrics } from "./sinkMetrics.js";
import { logEvent } from "../../telemetry/logEvents.js";

/** The run's context, and the PutMetricData client to use instead of the AWS SDK's (tests: fakes). */
export interface CloudWatchSinkContext extends ReportSinkContext {
  readonly createPutMetricDataApi?: (o: CloudWatchClientOptions) => Promise<PutMetricDataApi & { destroy(): void }>;
}

/**
 * The sinks the `cloudwatch` section enables, in a fixed order: the PutMetricData sink
 * (`enabled`), then the Embedded Metric Format sink (`emf.enabled`). Both publish the same datums
 * (datums.ts); docs/cloudwatch.md describes them.
 */
export async function cloudWatchSinks(config: CloudWatchConfig | undefined, ctx: CloudWatchSinkContext): Promise<ReportSink[]> {
  if (config === undefined || (!config.enabled && !config.emf.enabled)) return [];
  const options = datumOptions(config, ctx);
  const datums = (r: WindowReport): Datum[] => windowDatums(r, options);
  const metrics = new CloudWatchSinkMetrics(ctx.registry);
  const sinks: ReportSink[] = [];
  if (config.enabled) {
    const api = await (ctx.createPutMetricDataApi ?? createPutMetricDataApi)({
      region: config.region,
      endpointUrl: config.endpoint_url,
      requestTimeoutMs: config.request_timeout_ms,
    });
    const publisher = new CloudWatchPublisher({
      api,
      metrics,
      log: ctx.log,
      retry: config,
      requestTimeoutMs: config.request_timeout_ms,
      queueMaxDatums: config.queue_max_datums,
      closeTimeoutMs: config.close_timeout_ms,
    });
    sinks.push(new CloudWatchSink(publisher, datums, metrics, ctx, () => api.destroy()));
  }
  if (config.emf.enabled) sinks.push(await EmfSink.open(config.emf.path, datums, metrics, ctx.log));
  return sinks;
}

export function datumOptions(config: CloudWatchConfig, ctx: Pick<ReportSinkContext, "endpoint" | "schedule" | "baseline">): DatumOptions {
  return {
    namespace: config.namespace,
    ownNamespace: config.own_namespace,
    ownMetrics: config.own_metrics,
    dimensions: [
      [config.dimensions.endpoint, ctx.endpoint],
      [config.dimensions.schedule, ctx.schedule],
    ],
    baseline: ctx.baseline.baseline,
  };
}

/** PutMetricData: publish() queues the reports' datums; the publisher sends them in the background. */
export class CloudWatchSink implements ReportSink {
  readonly name = "cloudwatch";
  readonly #publisher: CloudWatchPublisher;
  readonly #datums: (r: WindowReport) => Datum[];
  readonly #metrics: CloudWatchSinkMetrics;
  readonly #ctx: Pick<ReportSinkContext, "log">;
  readonly #release: () => void;

  constructor(
    publisher: CloudWatchPublisher,
    datums: (r: WindowReport) => Datum[],
    metrics: CloudWatchSinkMetrics,
    ctx: Pick<ReportSinkContext, "log">,
    release: () => void,
  ) {
    this.#publisher = publisher;
    this.#datums = datums;
    this.#metrics = metrics;
    this.#ctx = ctx;
    this.#release = release;
  }

  publish(reports: readonly WindowReport[]): void {
    try {
      for (const r of reports) this.#publisher.enqueue(this.#datums(r));
    } catch (e) {
      logEvent(this.#ctx.log, "cloudwatch_datums_build_failed", { err: e, sink: this.name });
    }
  }

  /** Waits until everything queued so far is sent or dropped (tests, benchmarks). */
  flush(): Promise<void> {
    return this.#publisher.flush();
  }

  async close(): Promise<void> {
    try {
      await this.#publisher.close();
    } finally {
      this.#release();
    }
    const m = this.#metrics;
    logEvent(this.#ctx.log, "cloudwatch_sink_closed", {
      sink: this.name,
      datums_sent: m.sentTotal,
      datums_dropped: m.droppedSum,
      dropped_by_reason: m.droppedTotal,
    });
  }
}
