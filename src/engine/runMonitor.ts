import type { MonitorConfig } from "../config/monitorSchema.js";
import { startMonitorServer, type MonitorServer } from "../http/monitorServer.js";
import { join } from "node:path";
import { partitionsOf, WindowPartStore } from "../sinks/windowPartStore.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { InputError } from "../records/inputBytes.js";
import { KafkaDeadLetterSink } from "../sinks/kafkaDeadLetterSink.js";
import { createKafkaSource, DEFAULT_MAX_MESSAGE_BYTES, membershipError, type KafkaBatch, type KafkaSource } from "../sources/kafkaSource.js";
import { ConfigError } from "../config/loadConfig.js";
import { partitionId, type PartitionKey } from "../sources/Source.js";
import type { Logger } from "../telemetry/logger.js";
import { MonitorMetrics } from "../telemetry/metrics.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import type { MonitorEngine } from "./MonitorEngine.js";
import { openPipeline } from "./pipeline.js";
import { untilDelivered } from "./untilDelivered.js";
import { ReportsLock } from "../sinks/reportsLock.js";

/** A Node.js system error (it names its path and syscall itself). */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}
import { decodeCheckpoint, encodeCheckpoint, repairCheckpoint } from "../sources/kafkaCheckpoint.js";

/** Consumer crashes tolerated (kafkajs restarts the consumer) before the monitor gives up. */
export const MAX_CONSUMER_RESTARTS = 5;

export interface MonitorOptions {
  /** Replaces the Kafka client (tests). */
  source?: KafkaSource;
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

export { decodeCheckpoint, encodeCheckpoint, MAX_METADATA_BYTES } from "../sources/kafkaCheckpoint.js";

/** Partitions of the dead-letter topic the monitor creates when kafka.create_dead_letter_topic is set. */
const DEAD_LETTER_PARTITIONS = 3;

/**
 * The topics the monitor needs, checked before it joins its group (brokers in production do not
 * create topics on their own, and a missing one would fail every batch): the capture topics, the
 * dead-letter topic (created when the config allows it) and the alerts topic. A missing one is a
 * configuration error naming its key (exit 2). Returns the dead-letter topic's message size limit.
 */
async function checkTopics(config: MonitorConfig, source: KafkaSource, log: Logger): Promise<number> {
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
    log.info({ topic: k.dead_letter_topic, partitions: DEAD_LETTER_PARTITIONS }, "dead-letter topic created");
    dlq = (await source.describeTopics([k.dead_letter_topic])).get(k.dead_letter_topic);
  }
  return dlq?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
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
  const source = options.source ?? createKafkaSource(config.kafka, log, { maxRecordBytes: config.max_record_bytes, maxWaitTimeInMs: maxWaitMs });
  const pipeline = await openPipeline(config, log, { registry: metrics.registry, kafkaSend: (topic, messages) => source.send(topic, messages) });
  const { reporter } = pipeline;
  for (const w of pipeline.baseline.warnings) log.warn(w);
  const parts = new WindowPartStore(join(config.reports_dir, ".partials", config.endpoint, config.schedule), pipeline.sketchOptions, log);
  const newEngine = (): MonitorEngine => pipeline.newEngine({ confirmJumps: false, now: Date.now });
  let engine = newEngine();
  let wm = engine.windows;
  let deadLetters: KafkaDeadLetterSink | undefined;

  const assigned = new Map<string, PartitionKey>();
  /** Partitions whose state was set up (restored or fresh) since they were assigned. */
  const restored = new Set<string>();
  /** Next offset to read, per partition with processed records. */
  const nextOffset = new Map<string, string>();
  /**
   * Idleness (kafka.idle_partition_seconds, idle_close_seconds) is measured in fetch-covered time:
   * per partition, the time since its last record during which fetches from its leader kept
   * succeeding (consecutive successful fetches at most FETCH_CONTINUITY apart). A stalled broker
   * answers no fetch, so its partitions do not turn idle, and when it comes back no partition
   * closes windows over another that simply could not be read.
   */
  const quietMs = new Map<string, number>();
  const lastRecordAt = new Map<string, number>();
  const lastFetchAt = new Map<number, number>();
  const fetchContinuityMs = 5 * maxWaitMs + 1_000;
  let leaders = new Map<string, number>();
  let leadersAt = 0;
  const recent: ReportSummary[] = [];
  let reportsWritten = 0;
  let records = 0;
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

  // One task at a time: batches, assignment changes, idle closes.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  };

  /**
   * `heartbeat`: the batch's, when a batch is in hand (kafkajs waits for it meanwhile); the idle
   * timers pass none (the consumer heartbeats on its own then).
   */
  type Heartbeat = (() => Promise<void>) | undefined;
  const deliver = <T>(destination: "dead_letters" | "reports", description: string, attempt: () => Promise<T>, heartbeat: Heartbeat): Promise<T> =>
    untilDelivered(attempt, {
      destination,
      description,
      log,
      metrics,
      heartbeat,
      signal: stopSignal.signal,
      onBlocked: (d, since) => (since === undefined ? blockedOn.delete(d) : blockedOn.set(d, since)),
    });

  /**
   * The partitions whose watermarks close windows: the assigned ones that are not idle; when every
   * one is idle, those that have records (undefined: WindowManager's default), since an idle
   * partition holds nothing back.
   */
  const active = (): PartitionKey[] | undefined => {
    const keys = [...assigned.entries()].filter(([id]) => (quietMs.get(id) ?? 0) < config.kafka.idle_partition_seconds * 1000).map(([, k]) => k);
    return keys.length > 0 ? keys : undefined;
  };

  const onFetch = (nodeId: number): void => {
    const now = Date.now();
    const previous = lastFetchAt.get(nodeId);
    lastFetchAt.set(nodeId, now);
    if (previous === undefined || now - previous > fetchContinuityMs) return;
    for (const id of assigned.keys()) {
      const leader = leaders.get(id);
      if (leader !== undefined && leader !== nodeId) continue;
      const from = Math.max(previous, lastRecordAt.get(id) ?? previous);
      if (now > from) quietMs.set(id, (quietMs.get(id) ?? 0) + (now - from));
    }
  };

  const refreshLeaders = async (): Promise<void> => {
    leadersAt = Date.now();
    try {
      leaders = await source.leaders([...assigned.values()]);
    } catch (e) {
      log.debug({ err: e }, "reading partition leaders failed; fetches from any broker count for every partition meanwhile");
      leaders = new Map();
    }
  };

  const report = async (closed: readonly ClosedWindow[], closableAt: number, heartbeat: Heartbeat): Promise<void> => {
    if (closed.length === 0) return;
    for (const w of closed) {
      const written = await deliver(
        "reports",
        `reports folder ${config.reports_dir}`,
        () =>
          parts.report(w, async (assembled) => {
            if (assembled.parts.length > w.parts.length)
              log.info({ window_start: isoSeconds(w.startMs), partitions: partitionsOf(assembled) }, "window assembled with parts of other instances");
            return reporter.report([assembled]);
          }),
        heartbeat,
      );
      // closing many windows may take longer than the session timeout: the member stays alive
      await heartbeat?.();
      // this instance's records only: other instances count theirs
      metrics.recordOutcomes(w.counts);
      for (const r of written) {
        metrics.windowClosed(r.violations, (Date.now() - closableAt) / 1000);
        reportsWritten++;
        recent.push({ startMs: r.startMs, endMs: r.endMs, folder: r.folder, itemCount: r.itemCount, violations: r.violations.length });
        if (recent.length > (options.recentReports ?? RECENT_REPORTS)) recent.shift();
      }
    }
    const horizon = wm.closedUpToMs - config.partials_retention_seconds * 1000;
    if (Number.isFinite(horizon)) await parts.prune(horizon, wm.windowMs);
  };

  const commitAll = async (): Promise<void> => {
    const offsets = [];
    for (const [id, key] of assigned) {
      const next = nextOffset.get(id);
      if (next === undefined) continue;
      const { offset, checkpoint } = wm.checkpoint(key, next);
      offsets.push({ partition: key, offset, metadata: encodeCheckpoint(checkpoint) });
    }
    await source.commit(offsets);
  };

  /** Sets up partitions from their commits (offset and checkpoint metadata) before their records are read. */
  const restore = async (keys: readonly PartitionKey[]): Promise<void> => {
    const todo = keys.filter((k) => !restored.has(partitionId(k)));
    if (todo.length === 0) return;
    const committed = await source.committed(todo);
    // the latest window end a plausible event time can reach now (eventTimePlausibility.ts)
    const ceiling = Date.now() + config.max_event_time_ahead_seconds * 1000 + config.window_seconds * 1000;
    for (const key of todo) {
      const id = partitionId(key);
      const c = committed.get(id);
      const decoded = decodeCheckpoint(c?.metadata);
      if (decoded === undefined) {
        if (c?.metadata !== undefined && c.metadata !== null && c.metadata !== "")
          log.warn(
            { topic: key.topic, partition: key.partition, offset: c.offset },
            "commit metadata is not a dqstream checkpoint: the partition starts fresh from its committed offset",
          );
        wm.dropPartition(key);
      } else {
        const { checkpoint, repaired } = repairCheckpoint(decoded, ceiling);
        if (repaired.length > 0) {
          metrics.checkpointRepaired();
          log.warn(
            { topic: key.topic, partition: key.partition, offset: c?.offset, repaired },
            "commit metadata holds implausible times: repaired, not trusted",
          );
        }
        wm.restorePartition(key, checkpoint, c?.offset);
        log.info({ topic: key.topic, partition: key.partition, offset: c?.offset, checkpoint: c?.metadata }, "partition restored from its commit");
      }
      restored.add(id);
    }
  };

  /**
   * Forgets every partition's state, to be rebuilt from the commits: after a failed batch (the
   * state may hold part of it; kafkajs restarts the consumer, which re-reads from the committed
   * offsets) and after every group (re)join.
   */
  const reset = (): void => {
    engine = newEngine();
    wm = engine.windows;
    restored.clear();
    nextOffset.clear();
  };

  const onBatch = (batch: KafkaBatch): Promise<void> =>
    serial(async () => {
      try {
        await handleBatch(batch);
      } catch (e) {
        if (!stopping)
          log.error({ err: e, topic: batch.partition.topic, partition: batch.partition.partition }, "batch failed: state reset to the committed offsets");
        reset();
        throw e;
      }
    });

  const handleBatch = async (batch: KafkaBatch): Promise<void> => {
    const key = batch.partition;
    const id = partitionId(key);
    if (!assigned.has(id)) {
      // a batch fetched before a rebalance took the partition away: its new owner reads it
      log.debug({ topic: key.topic, partition: key.partition }, "batch of a partition no longer assigned: ignored");
      return;
    }
    await restore([key]);
    const now = Date.now();
    lastRecordAt.set(id, now);
    quietMs.set(id, 0);
    const result = await engine.process(batch.records, active());
    const closableAt = Date.now();
    const sink = deadLetters as KafkaDeadLetterSink;
    await deliver("dead_letters", `dead-letter topic ${sink.topic}`, () => sink.write(result.deadLetters), batch.heartbeat);
    for (const d of result.deadLetters) metrics.deadLetter(d.reason);
    await report(result.closed, closableAt, batch.heartbeat);
    const next = (BigInt(batch.lastOffset) + 1n).toString();
    nextOffset.set(id, next);
    await commitAll();
    records += batch.records.length;
    metrics.consumed(key, batch.records.length);
    metrics.lag(key, Number(BigInt(batch.highWatermark) - BigInt(next)));
    metrics.watermark(key, wm.watermark(wm.partition(key)));
    metrics.openWindows(wm.openWindowCount);
    metrics.batchDone(Date.now());
    log.debug({ topic: key.topic, partition: key.partition, records: batch.records.length, next, open_windows: wm.openWindowCount }, "batch done");
  };

  /**
   * After every (re)join of the group kafkajs reads each assigned partition from its committed
   * offset, which is behind what was processed (the oldest open window's first record): so every
   * partition's state is rebuilt from its commit and metadata, exactly as after a restart; revoked
   * partitions are dropped (their new owner does the same).
   */
  const onAssignment = (keys: PartitionKey[]): void => {
    joined = true;
    void serial(async () => {
      const ids = new Set(keys.map(partitionId));
      for (const [id, key] of [...assigned]) {
        if (ids.has(id)) continue;
        metrics.dropPartition(key);
        assigned.delete(id);
        quietMs.delete(id);
        lastRecordAt.delete(id);
        log.info({ topic: key.topic, partition: key.partition }, "partition revoked");
      }
      reset();
      for (const key of keys) {
        const id = partitionId(key);
        if (assigned.has(id)) continue;
        assigned.set(id, key);
        quietMs.set(id, 0);
      }
      await refreshLeaders();
      await restore(keys);
    }).catch((e: unknown) => log.warn({ err: e }, "restoring assigned partitions failed; retried on their first batch"));
  };

  const onCrash = (error: Error, restarting: boolean): void => {
    if (stopping) {
      log.warn({ err: error }, "Kafka consumer failed while stopping; not restarted");
      return;
    }
    crashes++;
    metrics.consumerCrashed();
    log.error({ err: error, restarting, crashes }, "Kafka consumer crashed");
    if (!restarting || crashes > MAX_CONSUMER_RESTARTS) {
      void shutdown(new Error(`Kafka consumer crashed${restarting ? ` ${crashes} times` : " and is not restarting"}: ${error.message}`));
    }
  };

  /**
   * The timers, checked every tick: a partition that turned idle leaves `active`, which may let the
   * smallest watermark pass windows without any new record (so windows are closed here, not only
   * after a batch); when every assigned partition has been idle for idle_close_seconds (both in
   * fetch-covered time), every open window closes.
   */
  const tick = (): void => {
    if (stopping) return;
    if (Date.now() - leadersAt > 60_000 && assigned.size > 0) void serial(refreshLeaders);
    if (wm.openWindowCount === 0 || assigned.size === 0) return;
    void serial(async () => {
      if (stopping || wm.openWindowCount === 0) return;
      const now = Date.now();
      const idleClose = [...assigned.keys()].every((id) => (quietMs.get(id) ?? 0) >= config.idle_close_seconds * 1000);
      let closed: ClosedWindow[];
      if (idleClose) {
        log.info({ idle_close_seconds: config.idle_close_seconds }, "no records: closing every open window");
        closed = engine.closeAll();
      } else {
        closed = wm.closeReady(active());
        if (closed.length === 0) return;
        log.info({ windows: closed.length }, "windows closed by the watermark of the partitions still active");
      }
      await report(closed, now, undefined);
      await commitAll();
      metrics.openWindows(wm.openWindowCount);
    }).catch((e: unknown) => {
      if (stopping) return;
      if (membershipError(e) !== undefined) {
        // the group moved on (this member's session expired): kafkajs rejoins, and the state is
        // rebuilt from the commits on the new assignment
        log.warn({ err: e }, "idle close interrupted: the consumer must rejoin its group; state reset to the committed offsets");
        reset();
        return;
      }
      void shutdown(e instanceof Error ? e : new Error(String(e)));
    });
  };
  const timer = setInterval(tick, options.tickMs ?? 1000);

  let server: MonitorServer | undefined;
  if (options.http ?? true) {
    server = await startMonitorServer({
      host: config.http.host,
      port: config.http.port,
      metrics,
      log,
      readiness: () => {
        if (stopping) return { ready: false, reason: "shutting down" };
        const blocked = [...blockedOn.entries()];
        if (blocked.length > 0)
          return { ready: false, reason: `blocked: ${blocked.map(([d, since]) => `${d} failing since ${new Date(since).toISOString()}`).join("; ")}` };
        if (!joined) return { ready: false, reason: "not yet a member of the consumer group" };
        if (assigned.size === 0) return { ready: false, reason: "no partitions assigned" };
        return { ready: true, reason: `${assigned.size} partitions assigned` };
      },
    });
  }

  let stopped: Promise<void> | undefined;
  const shutdown = (error?: Error): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      clearInterval(timer);
      const deadline = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), config.shutdown_timeout_seconds * 1000).unref());
      const work = (async () => {
        // stop fetching, let the batch in hand finish and commit what is safe, then leave the group;
        // a delivery blocked on an outage is given up (uncommitted, so re-read after the restart)
        source.pause();
        stopSignal.abort();
        await queue;
        await source.stop().catch((e: unknown) => log.warn({ err: e }, "stopping the consumer failed"));
        await queue;
        // the sinks deliver what they hold (alerts to Kafka need the producer) before it goes
        await reporter.closeSinks();
        await source.disconnect();
      })();
      const outcome = await Promise.race([work.then(() => "ok" as const), deadline]);
      if (outcome === "timeout") log.warn({ shutdown_timeout_seconds: config.shutdown_timeout_seconds }, "shutdown timed out");
      await server?.close().catch(() => {});
      await Promise.race([pipeline.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await lock?.release().catch(() => {});
      if (error !== undefined) fail(error);
      else finish({ reports: reportsWritten, deadLetters: deadLetters?.count ?? 0, records });
    })();
    return stopped;
  };

  let lock: ReportsLock | undefined;
  try {
    lock = await ReportsLock.acquire(config.reports_dir, config.endpoint, config.schedule, {
      kind: "monitor",
      group_id: config.kafka.group_id,
      topics: config.kafka.topics,
    });
    const maxMessageBytes = await checkTopics(config, source, log);
    deadLetters = new KafkaDeadLetterSink(source, config.kafka.dead_letter_topic, maxMessageBytes);
    await source.start({ onBatch, onAssignment, onCrash, onFetch, mayRestart: () => !stopping && crashes <= MAX_CONSUMER_RESTARTS });
  } catch (e) {
    const error =
      e instanceof ConfigError || e instanceof InputError || isSystemError(e)
        ? e
        : new InputError(`Kafka brokers ${config.kafka.brokers.join(",")}`, `cannot start consuming ${config.kafka.topics.join(", ")}: ${rootCause(e)}`);
    log.error({ err: e }, error.message);
    await shutdown(error);
    return done.then(() => {
      throw error;
    });
  }
  log.info({ topics: config.kafka.topics, group_id: config.kafka.group_id }, "monitor started");

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
