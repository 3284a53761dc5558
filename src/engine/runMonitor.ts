import type { MonitorConfig } from "../config/monitorSchema.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import { startMonitorServer, type MonitorServer } from "../http/monitorServer.js";
import { startDashboard, type Dashboard } from "../dashboard/dashboardServer.js";
import { LocalParts } from "../windows/localParts.js";
import { InputError } from "../records/inputBytes.js";
import type { DeadLetterSink } from "../sinks/DeadLetterSink.js";
import { createDeadLetterSink } from "../components/registry.js";
import { createKafkaClient, DEFAULT_MAX_MESSAGE_BYTES, membershipError, type KafkaClient } from "../sources/kafka/kafkaClient.js";
import { ConfigError } from "../config/loadConfig.js";
import type { Logger } from "../telemetry/logger.js";
import { MonitorMetrics } from "../telemetry/metrics.js";
import { openPipeline } from "./pipeline.js";
import { untilDelivered } from "./untilDelivered.js";
import { Driver, type Deliver } from "./driver.js";
import { kafkaSource } from "../sources/kafka/index.js";
import { partsTopicOf } from "../sources/kafka/config.js";
import { PartsOutbox } from "../sources/kafka/partsOutbox.js";
import { AssemblerStage } from "./assemblerStage.js";
import { ReportsLock } from "../sinks/reportsLock.js";
import { logEvent } from "../telemetry/logEvents.js";

/** A Node.js system error (it names its path and syscall itself). */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

/** Consumer crashes tolerated (kafkajs restarts the consumer) before the monitor gives up. */
export const MAX_CONSUMER_RESTARTS = 5;

export interface MonitorOptions {
  /** Replaces the Kafka client (tests). */
  source?: KafkaClient;
  metrics?: MonitorMetrics;
  /** Serve /healthz, /readyz, /metrics (default true). */
  http?: boolean;
  /** How often the idle timers are checked, in ms (default 1000). */
  tickMs?: number;
  /** kafkajs maxWaitTimeInMs (default 1000). */
  maxWaitTimeInMs?: number;
  /** How many of the latest reports `reports` keeps (default RECENT_REPORTS). */
  recentReports?: number;
}

export interface MonitorSummary {
  reports: number;
  deadLetters: number;
  records: number;
}

/** A written report as the running monitor remembers it (no statistics: memory stays flat). */
export interface ReportSummary {
  readonly startMs: number;
  readonly endMs: number;
  readonly folder: string;
  readonly itemCount: number;
  readonly violations: number;
}

/** How many of the latest reports a running monitor keeps in `reports`. */
export const RECENT_REPORTS = 1000;

export interface RunningMonitor {
  /** Base URL of the HTTP server, when it runs. */
  readonly url: string | undefined;
  readonly metrics: MonitorMetrics;
  /** The latest reports written, oldest first: at most RECENT_REPORTS (nothing grows with uptime). */
  readonly reports: readonly ReportSummary[];
  /** Reports written since the start. */
  readonly reportsWritten: number;
  /** Stops fetching, finishes the batch in hand, commits what is safe, disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the monitor has stopped: resolves after `stop()`, rejects on a fatal failure. */
  readonly done: Promise<MonitorSummary>;
}

/** The innermost message of an error chain (kafkajs wraps the socket error in retry errors). */
function rootCause(e: unknown): string {
  let current: unknown = e;
  for (let depth = 0; depth < 10; depth++) {
    const next = (current as { cause?: unknown; originalError?: unknown } | null)?.cause ?? (current as { originalError?: unknown } | null)?.originalError;
    if (next === undefined || next === null) break;
    current = next;
  }
  return current instanceof Error ? current.message : String(current);
}

/** Partitions of the dead-letter topic the monitor creates when kafka.create_dead_letter_topic is set. */
const DEAD_LETTER_PARTITIONS = 3;

/**
 * The topics the monitor needs, checked before it joins its group (brokers in production do not
 * create topics on their own, and a missing one would fail every batch): the capture topics, the
 * dead-letter topic (created when the config allows it) and the alerts topic. A missing one is a
 * configuration error naming its key (exit 2). Returns the dead-letter topic's message size limit.
 */
async function checkTopics(config: MonitorConfig, source: KafkaClient, log: Logger): Promise<number> {
  const k = config.kafka;
  const alertsTopic = config.alerts?.channels.kafka?.topic;
  const wanted = [...k.topics, k.dead_letter_topic, ...(alertsTopic === undefined ? [] : [alertsTopic])];
  const found = await source.describeTopics(wanted);
  const missing = k.topics.filter((t) => !found.has(t));
  if (missing.length > 0)
    throw new ConfigError(
      `kafka.topics: ${missing.map((t) => `"${t}"`).join(", ")} ${missing.length === 1 ? "does" : "do"} not exist on ${k.brokers.join(",")}`,
    );
  if (alertsTopic !== undefined && !found.has(alertsTopic))
    throw new ConfigError(`alerts.channels.kafka.topic: "${alertsTopic}" does not exist on ${k.brokers.join(",")}; create it (compacted, docs/alerts.md)`);
  let dlq = found.get(k.dead_letter_topic);
  if (dlq === undefined) {
    if (!k.create_dead_letter_topic) {
      throw new ConfigError(
        `kafka.dead_letter_topic: "${k.dead_letter_topic}" does not exist on ${k.brokers.join(",")}; create it (docs/deployment.md), or set kafka.create_dead_letter_topic: true to let the monitor create it`,
      );
    }
    await source.createTopic(k.dead_letter_topic, DEAD_LETTER_PARTITIONS, { "retention.ms": String(7 * 86_400_000) });
    logEvent(log, "dead_letter_topic_created", { topic: k.dead_letter_topic, partitions: DEAD_LETTER_PARTITIONS });
    dlq = (await source.describeTopics([k.dead_letter_topic])).get(k.dead_letter_topic);
  }
  return dlq?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
}

/** The least max.message.bytes a parts topic may have (docs/design-monitor.md: parts go out in chunks of it). */
const MIN_PARTS_MESSAGE_BYTES = 4096;

/**
 * The parts topic (docs/design-monitor.md), created on first start like Kafka Streams' internal
 * topics: one partition (one instance reports every window, in order), deletion after
 * kafka.parts_retention_ms, the broker's replication factor. Returns its message size limit, which
 * parts are cut to.
 */

async function ensurePartsTopic(config: MonitorConfig, source: KafkaClient, log: Logger): Promise<number> {
  const topic = partsTopicOf(config.kafka);
  let info = (await source.describeTopics([topic])).get(topic);
  if (info === undefined) {
    try {
      await source.createTopic(topic, 1, { "retention.ms": String(config.kafka.parts_retention_ms), "cleanup.policy": "delete" });
      logEvent(log, "parts_topic_created", { topic, retention_ms: config.kafka.parts_retention_ms });
    } catch (e) {
      // another instance of the group created it first
      if (!/already exists/i.test(rootCause(e))) throw e;
    }
    info = (await source.describeTopics([topic])).get(topic);
  }
  if (info !== undefined && info.partitions !== 1)
    throw new ConfigError(`kafka.parts_topic: "${topic}" has ${info.partitions} partitions; the parts topic needs exactly 1 (docs/design-monitor.md)`);
  const maxMessageBytes = info?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // a part is cut into chunks of max.message.bytes less 1 kB of framing, one record batch each
  if (maxMessageBytes < MIN_PARTS_MESSAGE_BYTES)
    throw new ConfigError(
      `kafka.parts_topic: "${topic}" has max.message.bytes ${maxMessageBytes}; the parts topic needs at least ${MIN_PARTS_MESSAGE_BYTES} (the broker's default, 1048588, is right for most)`,
    );
  return maxMessageBytes;
}

/**
 * `dqstream monitor`: the engine over a Kafka consumer group (docs/design-monitor.md). Per batch:
 * process → dead letters produced (acknowledged) → reports of closed windows written → offsets
 * committed per partition at the first offset of the oldest open window (else the next to read),
 * with the watermark metadata that makes reports after a restart identical. Batches, assignment
 * changes and the idle timers run one at a time. A delivery that fails (dead letters, reports)
 * blocks the monitor and is retried in place (untilDelivered), never skipped.
 */
export async function startMonitor(config: MonitorConfig, log: Logger, options: MonitorOptions = {}): Promise<RunningMonitor> {
  const metrics = options.metrics ?? new MonitorMetrics();
  const maxWaitMs = options.maxWaitTimeInMs ?? 1_000;
  const client = options.source ?? createKafkaClient(config.kafka, log, { maxRecordBytes: config.max_record_bytes, maxWaitTimeInMs: maxWaitMs });
  const pipeline = await openPipeline(config, log, { registry: metrics.registry, kafkaSend: (topic, messages) => client.send(topic, messages) });
  const { reporter } = pipeline;
  for (const w of pipeline.baseline.warnings) logEvent(log, "baseline_warning", {}, w);
  /** Stage 1's parts, published with each input partition's commit (docs/design-monitor.md). */
  // what stage 1 publishes, stage 2 of the same process takes back without decoding it
  const localParts = new LocalParts();
  const outbox = new PartsOutbox(DEFAULT_MAX_MESSAGE_BYTES, localParts);
  let deadLetters: DeadLetterSink | undefined;
  const recent: ReportSummary[] = [];
  let reportsWritten = 0;
  let crashes = 0;
  let joined = false;
  let stopping = false;
  const stopSignal = new AbortController();
  /** Destinations the monitor is blocked on, with since when (readiness). */
  const blockedOn = new Map<string, number>();

  let fail!: (e: Error) => void;
  let finish!: (s: MonitorSummary) => void;
  const done = new Promise<MonitorSummary>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  done.catch(() => {});

  const deliver: Deliver = (destination, description, attempt, heartbeat) =>
    untilDelivered(attempt, {
      destination,
      description,
      log,
      metrics,
      heartbeat,
      signal: stopSignal.signal,
      onBlocked: (d, since) => (since === undefined ? blockedOn.delete(d) : blockedOn.set(d, since)),
    });

  const source = kafkaSource(
    client,
    {
      idlePartitionMs: config.kafka.idle_partition_seconds * 1000,
      maxWaitMs,
      // the latest window end a plausible event time can reach now (eventTimePlausibility.ts)
      plausibleCeilingMs: () => Date.now() + config.max_event_time_ahead_seconds * 1000 + config.window_seconds * 1000,
      onCheckpointRepaired: () => metrics.checkpointRepaired(),
      parts: { topic: partsTopicOf(config.kafka), outbox },
    },
    log,
  );

  /**
   * Stage 1: the windows this instance closed go to the outbox, by input partition, and out with
   * each partition's next commit; stage 2 (whichever instance owns the parts topic) reports them.
   */
  const report = (closed: readonly ClosedWindow[]): Promise<void> => {
    for (const w of closed) metrics.recordOutcomes(w.counts); // this instance's records only
    outbox.add(closed);
    return Promise.resolve();
  };

  const onReport = (r: WindowReport): void => {
    reportsWritten++;
    recent.push({ startMs: r.startMs, endMs: r.endMs, folder: r.folder, itemCount: r.itemCount, violations: r.violations.length });
    if (recent.length > (options.recentReports ?? RECENT_REPORTS)) recent.shift();
  };

  const stage2 = new AssemblerStage({
    client,
    config,
    pipeline,
    deliver,
    log,
    metrics,
    tickMs: options.tickMs ?? 1000,
    onReport,
    onFatal: (e) => void shutdown(e),
    localParts,
  });

  const driver: Driver = new Driver({
    source,
    // the window state is rebuilt from the commits: what stage 1 had not published goes with it
    newEngine: () => {
      outbox.clear();
      return pipeline.newEngine({ confirmJumps: false, now: Date.now }, source.history);
    },
    get deadLetters() {
      return deadLetters as DeadLetterSink;
    },
    report,
    reportsDescription: pipeline.store.description,
    deliver,
    log,
    metrics,
    idleCloseMs: config.idle_close_seconds * 1000,
    tickMs: options.tickMs ?? 1000,
    onAssignment: () => {
      joined = true;
    },
    onFatal: (e) => void shutdown(e),
    isMembershipError: (e) => membershipError(e) !== undefined,
    mayRestart: () => !stopping && crashes <= MAX_CONSUMER_RESTARTS,
    onCrash: (error, restarting) => {
      if (stopping) {
        logEvent(log, "consumer_stop_failed", { err: error });
        return;
      }
      crashes++;
      metrics.consumerCrashed();
      logEvent(log, "consumer_crashed", { err: error, restarting, crashes });
      if (!restarting || crashes > MAX_CONSUMER_RESTARTS) {
        void shutdown(new Error(`Kafka consumer crashed${restarting ? ` ${crashes} times` : " and is not restarting"}: ${error.message}`));
      }
    },
  });

  let server: MonitorServer | undefined;
  let dashboard: Dashboard | undefined;
  if (options.http ?? true) {
    if (config.http.dashboard.enabled) {
      const board = startDashboard({
        store: pipeline.store,
        baseline: pipeline.baseline.statistics,
        refreshSeconds: config.http.dashboard.refresh_seconds,
        log,
      });
      // the windows this instance reports show at once; other instances' on the next refresh
      reporter.addSink({ name: "dashboard", publish: () => board.poke(), close: async () => {} });
      dashboard = board;
    }
    server = await startMonitorServer({
      host: config.http.host,
      port: config.http.port,
      metrics,
      log,
      ...(dashboard === undefined ? {} : { routes: dashboard.handle }),
      readiness: () => {
        if (stopping) return { ready: false, reason: "shutting down" };
        const blocked = [...blockedOn.entries()];
        if (blocked.length > 0)
          return { ready: false, reason: `blocked: ${blocked.map(([d, since]) => `${d} failing since ${new Date(since).toISOString()}`).join("; ")}` };
        if (!joined) return { ready: false, reason: "not yet a member of the consumer group" };
        if (driver.assigned === 0) return { ready: false, reason: "no partitions assigned" };
        return { ready: true, reason: `${driver.assigned} partitions assigned` };
      },
    });
  }

  let stopped: Promise<void> | undefined;
  const shutdown = (error?: Error): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      const deadline = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), config.shutdown_timeout_seconds * 1000).unref());
      const work = (async () => {
        // stop fetching, let the batch in hand finish and commit what is safe, then leave the group;
        // a delivery blocked on an outage is given up (uncommitted, so re-read after the restart)
        stopSignal.abort();
        await driver.stop();
        // stage 2 reports what stage 1 just published, within half the remaining time
        await stage2.stop((config.shutdown_timeout_seconds * 1000) / 2);
        // the sinks deliver what they hold (alerts to Kafka need the producer) before it goes
        await reporter.closeSinks();
        await source.close();
      })();
      const outcome = await Promise.race([work.then(() => "ok" as const), deadline]);
      if (outcome === "timeout") logEvent(log, "shutdown_timed_out", { shutdown_timeout_seconds: config.shutdown_timeout_seconds });
      dashboard?.close();
      await server?.close().catch(() => {});
      await Promise.race([pipeline.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await lock?.release().catch(() => {});
      if (error !== undefined) fail(error);
      else finish({ reports: reportsWritten, deadLetters: deadLetters?.count ?? 0, records: driver.records });
    })();
    return stopped;
  };

  let lock: ReportsLock | undefined;
  try {
    // a folder lock: local folders only (docs/configuration.md#reports-in-s3)
    const root = pipeline.store.localRoot;
    if (root !== undefined)
      lock = await ReportsLock.acquire(root, config.endpoint, config.schedule, {
        kind: "monitor",
        group_id: config.kafka.group_id,
        topics: config.kafka.topics,
      });
    const maxMessageBytes = await checkTopics(config, client, log);
    outbox.maxMessageBytes = await ensurePartsTopic(config, client, log);
    await stage2.start();
    deadLetters = await createDeadLetterSink("kafka", config, {
      store: pipeline.store,
      endpoint: config.endpoint,
      schedule: config.schedule,
      kafka: client,
      maxMessageBytes,
    });
    await driver.run();
  } catch (e) {
    const error =
      e instanceof ConfigError || e instanceof InputError || isSystemError(e)
        ? e
        : new InputError(`Kafka brokers ${config.kafka.brokers.join(",")}`, `cannot start consuming ${config.kafka.topics.join(", ")}: ${rootCause(e)}`);
    logEvent(log, "monitor_start_failed", { err: e, reason: error.message });
    await shutdown(error);
    return done.then(() => {
      throw error;
    });
  }
  logEvent(log, "monitor_started", { topics: config.kafka.topics, group_id: config.kafka.group_id });

  return {
    url: server?.url,
    metrics,
    get reports() {
      return recent;
    },
    get reportsWritten() {
      return reportsWritten;
    },
    stop: () => shutdown(),
    done,
  };
}
