import type { MonitorConfig } from "../config/monitorSchema.js";
import { startMonitorServer, type MonitorServer } from "../http/monitorServer.js";
import { join } from "node:path";
import { partitionsOf, WindowPartStore } from "../sinks/windowPartStore.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { InputError } from "../records/inputBytes.js";
import { KafkaDeadLetterSink } from "../sinks/kafkaDeadLetterSink.js";
import type { WindowReport } from "../sinks/reportWriter.js";
import { createKafkaSource, type KafkaBatch, type KafkaSource } from "../sources/kafkaSource.js";
import { partitionId, type PartitionKey } from "../sources/Source.js";
import type { Logger } from "../telemetry/logger.js";
import { MonitorMetrics } from "../telemetry/metrics.js";
import type { ClosedWindow, PartitionCheckpoint } from "../windows/WindowManager.js";
import type { MonitorEngine } from "./MonitorEngine.js";
import { openPipeline } from "./pipeline.js";

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
}

export interface MonitorSummary {
  reports: number;
  deadLetters: number;
  records: number;
}

export interface RunningMonitor {
  /** Base URL of the HTTP server, when it runs. */
  readonly url: string | undefined;
  readonly metrics: MonitorMetrics;
  /** Reports written so far, in order. */
  readonly reports: readonly WindowReport[];
  /** Stops fetching, finishes the batch in hand, commits what is safe, disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the monitor has stopped: resolves after `stop()`, rejects on a fatal failure. */
  readonly done: Promise<MonitorSummary>;
}

/**
 * The commit metadata of docs/design-monitor.md, version 2; −∞ is written as null. Kafka limits
 * metadata to offset.metadata.max.bytes (4096 by default): each `closes` entry is one window
 * close between the partition's oldest open window and its last processed record, a few dozen
 * bytes; should they not fit, the oldest are merged (logged by the caller) and a re-read record
 * between them may be classified late instead of counted.
 */
export function encodeCheckpoint(c: PartitionCheckpoint, maxBytes = MAX_METADATA_BYTES): string {
  const num = (n: number): number | null => (Number.isFinite(n) ? n : null);
  const closes = (c.closes ?? []).map(([from, closed]) => [from, num(closed)] as const);
  const text = (): string =>
    JSON.stringify({ v: 2, max_event_ms: num(c.maxEventMs), closed_up_to_ms: num(c.closedUpToMs), processed_to: c.processedTo ?? null, closes });
  let out = text();
  while (Buffer.byteLength(out) > maxBytes && closes.length > 1) {
    // keep the commit offset's entry, merge the next one into it (its offset, its value)
    const second = closes[1] as readonly [string, number | null];
    closes.splice(0, 2, [closes[0]?.[0] ?? second[0], second[1]]);
    out = text();
  }
  return out;
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

/** Kafka's default offset.metadata.max.bytes. */
export const MAX_METADATA_BYTES = 4096;

/** Reads commit metadata back; undefined when absent or not ours (the partition starts fresh). */
export function decodeCheckpoint(text: string | null | undefined): PartitionCheckpoint | undefined {
  if (text === null || text === undefined || text === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== "object") return undefined;
  const o = v as Record<string, unknown>;
  if (o["v"] !== 1 && o["v"] !== 2) return undefined;
  const num = (x: unknown): number | undefined => (x === null ? Number.NEGATIVE_INFINITY : typeof x === "number" && Number.isFinite(x) ? x : undefined);
  const maxEventMs = num(o["max_event_ms"]);
  const closedUpToMs = num(o["closed_up_to_ms"]);
  if (maxEventMs === undefined || closedUpToMs === undefined) return undefined;
  if (o["v"] === 1) return { maxEventMs, closedUpToMs };
  const offset = (x: unknown): x is string => typeof x === "string" && /^\d{1,19}$/.test(x);
  const processedTo = o["processed_to"];
  const rawCloses = o["closes"];
  if (!offset(processedTo) || !Array.isArray(rawCloses)) return undefined;
  const closes: Array<readonly [string, number]> = [];
  for (const e of rawCloses) {
    if (!Array.isArray(e) || e.length !== 2 || !offset(e[0])) return undefined;
    const closed = num(e[1]);
    if (closed === undefined) return undefined;
    closes.push([e[0], closed]);
  }
  return { maxEventMs, closedUpToMs, processedTo, closes };
}

/**
 * `dqstream monitor`: the engine over a Kafka consumer group (docs/design-monitor.md). Per batch:
 * process → dead letters produced (acknowledged) → reports of closed windows written → offsets
 * committed per partition at the first offset of the oldest open window (else the next to read),
 * with the watermark metadata that makes reports after a restart identical. Batches, assignment
 * changes and the idle timers run one at a time.
 */
export async function startMonitor(config: MonitorConfig, log: Logger, options: MonitorOptions = {}): Promise<RunningMonitor> {
  const metrics = options.metrics ?? new MonitorMetrics();
  const source = options.source ?? createKafkaSource(config.kafka, log, { maxRecordBytes: config.max_record_bytes, ...(options.maxWaitTimeInMs === undefined ? {} : { maxWaitTimeInMs: options.maxWaitTimeInMs }) });
  const pipeline = await openPipeline(config, log, { registry: metrics.registry, kafkaSend: (topic, messages) => source.send(topic, messages) });
  const { reporter } = pipeline;
  const parts = new WindowPartStore(join(config.reports_dir, ".partials", config.endpoint, config.schedule), pipeline.sketchOptions, log);
  const newEngine = (): MonitorEngine => pipeline.newEngine({ confirmJumps: false, now: Date.now });
  let engine = newEngine();
  let wm = engine.windows;
  const deadLetters = new KafkaDeadLetterSink(source, config.kafka.dead_letter_topic);

  const assigned = new Map<string, PartitionKey>();
  const assignedAt = new Map<string, number>();
  /** Partitions whose state was set up (restored or fresh) since they were assigned. */
  const restored = new Set<string>();
  /** Next offset to read, per partition with processed records. */
  const nextOffset = new Map<string, string>();
  const lastRecordAt = new Map<string, number>();
  let lastAnyRecordAt: number | undefined;
  const reports: WindowReport[] = [];
  let records = 0;
  let crashes = 0;
  let joined = false;
  let stopping = false;

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

  const active = (now: number): PartitionKey[] =>
    [...assigned.entries()]
      .filter(([id]) => now - (lastRecordAt.get(id) ?? assignedAt.get(id) ?? now) < config.kafka.idle_partition_seconds * 1000)
      .map(([, k]) => k);

  const report = async (closed: readonly ClosedWindow[], closableAt: number): Promise<void> => {
    if (closed.length === 0) return;
    for (const w of closed) {
      const written = await parts.report(w, async (assembled) => {
        if (assembled.parts.length > w.parts.length) log.info({ window_start: isoSeconds(w.startMs), partitions: partitionsOf(assembled) }, "window assembled with parts of other instances");
        return reporter.report([assembled]);
      });
      // this instance's records only: other instances count theirs
      metrics.recordOutcomes(w.counts);
      for (const r of written) metrics.windowClosed(r.violations, (Date.now() - closableAt) / 1000);
      reports.push(...written);
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
    for (const key of todo) {
      const id = partitionId(key);
      const c = committed.get(id);
      const checkpoint = decodeCheckpoint(c?.metadata);
      if (checkpoint === undefined) wm.dropPartition(key);
      else {
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
    lastAnyRecordAt = now;
    const result = await engine.process(batch.records, active(now));
    const closableAt = Date.now();
    await deadLetters.write(result.deadLetters);
    for (const d of result.deadLetters) metrics.deadLetter(d.reason);
    await report(result.closed, closableAt);
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
      const now = Date.now();
      const ids = new Set(keys.map(partitionId));
      for (const [id, key] of [...assigned]) {
        if (ids.has(id)) continue;
        metrics.dropPartition(key);
        assigned.delete(id);
        assignedAt.delete(id);
        lastRecordAt.delete(id);
        log.info({ topic: key.topic, partition: key.partition }, "partition revoked");
      }
      reset();
      for (const key of keys) {
        const id = partitionId(key);
        if (assigned.has(id)) continue;
        assigned.set(id, key);
        assignedAt.set(id, now);
      }
      await restore(keys);
    }).catch((e: unknown) => log.warn({ err: e }, "restoring assigned partitions failed; retried on their first batch"));
  };

  const onCrash = (error: Error, restarting: boolean): void => {
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
   * after a batch); after idle_close_seconds without any record every open window closes.
   */
  const tick = (): void => {
    if (stopping || lastAnyRecordAt === undefined || wm.openWindowCount === 0) return;
    const idleClose = Date.now() - lastAnyRecordAt >= config.idle_close_seconds * 1000;
    void serial(async () => {
      if (stopping || wm.openWindowCount === 0) return;
      const now = Date.now();
      let closed: ClosedWindow[];
      if (idleClose) {
        log.info({ idle_close_seconds: config.idle_close_seconds }, "no records: closing every open window");
        closed = engine.closeAll();
      } else {
        closed = wm.closeReady(active(now));
        if (closed.length === 0) return;
        log.info({ windows: closed.length }, "windows closed by the watermark of the partitions still active");
      }
      await report(closed, now);
      await commitAll();
      metrics.openWindows(wm.openWindowCount);
    }).catch((e: unknown) => void shutdown(e instanceof Error ? e : new Error(String(e))));
  };
  const timer = setInterval(tick, options.tickMs ?? 1000);

  let server: MonitorServer | undefined;
  if (options.http ?? true) {
    server = await startMonitorServer({
      host: config.http.host,
      port: config.http.port,
      metrics,
      log,
      readiness: () =>
        stopping
          ? { ready: false, reason: "shutting down" }
          : !joined
            ? { ready: false, reason: "not yet a member of the consumer group" }
            : assigned.size === 0
              ? { ready: false, reason: "no partitions assigned" }
              : { ready: true, reason: `${assigned.size} partitions assigned` },
    });
  }

  let stopped: Promise<void> | undefined;
  const shutdown = (error?: Error): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      clearInterval(timer);
      const deadline = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), config.shutdown_timeout_seconds * 1000).unref());
      const work = (async () => {
        // stop fetching, let the batch in hand finish and commit what is safe, then leave the group
        source.pause();
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
      await pipeline.close().catch(() => {});
      if (error !== undefined) fail(error);
      else finish({ reports: reports.length, deadLetters: deadLetters.count, records });
    })();
    return stopped;
  };

  try {
    await source.start({ onBatch, onAssignment, onCrash });
  } catch (e) {
    const error = new InputError(`Kafka brokers ${config.kafka.brokers.join(",")}`, `cannot start consuming ${config.kafka.topics.join(", ")}: ${rootCause(e)}`);
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
    reports,
    stop: () => shutdown(),
    done,
  };
}
