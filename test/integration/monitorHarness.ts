// What the monitor's integration tests share: the run's broker (test/setup/kafkaBroker.ts), topics
// and temporary folders cleaned up after each test, the golden capture produced on 3 partitions,
// a monitor config, and readers for reports and committed offsets.
import { spawn, type ChildProcess } from "node:child_process";
import { Writable } from "node:stream";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Partitioners, type Admin, type Kafka, type Producer } from "kafkajs";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { MonitorConfigSchema, type MonitorConfig } from "../../src/config/monitorSchema.js";
import { startMonitor, type RunningMonitor } from "../../src/engine/runMonitor.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { createTopicsReady, kafkaBrokers, testKafka, uniqueName } from "../setup/kafka.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
export const EXPECTED = join(ROOT, "test/golden/replay/csv-start/expected/reports/churn/ten-minutes");
export const STATISTICS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
export const CONSTRAINTS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");

export const cleanups: Array<() => Promise<unknown>> = [];
export let kafka: Kafka;
export let admin: Admin;
export let lines: string[];

beforeAll(async () => {
  kafka = testKafka("dqstream-test-monitor");
  admin = kafka.admin();
  await admin.connect();
  lines = (await readFile(CAPTURE, "utf8")).split("\n").filter((l) => l.trim() !== "");
});

afterAll(async () => {
  await admin?.disconnect();
});

/**
 * Each in-process monitor's log lines (debug level), kept in memory for the test in hand and
 * printed when it fails: a failure that happens only under CI's load then says what the monitors did.
 */
const monitorLogs: Array<{ name: string; lines: string[] }> = [];
const LOG_LINES_KEPT = 2_000;

afterEach((ctx) => {
  const logs = monitorLogs.splice(0);
  if (ctx.task.result?.state !== "fail") return;
  for (const { name, lines: logLines } of logs) {
    const dropped = logLines.length > LOG_LINES_KEPT ? ` (the first ${logLines.length - LOG_LINES_KEPT} lines left out)` : "";
    process.stdout.write(`--- ${name}'s log${dropped} ---\n${logLines.slice(-LOG_LINES_KEPT).join("")}`);
  }
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, 20_000))]);
  }
});

/** Produces with a producer of its own (a shared one keeps refreshing metadata of deleted topics). */
/** `transactional`: each request in a transaction of its own (an exactly-once producer's topic: a commit marker after each). */
export async function send(
  topic: string,
  messages: Array<{ partition?: number; value: string | Buffer }>,
  perRequest = 100,
  transactional = false,
): Promise<void> {
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 5, initialRetryTime: 300 },
    ...(transactional ? { transactionalId: uniqueName("dq-test-tx"), idempotent: true, maxInFlightRequests: 1 } : {}),
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += perRequest) {
      const batch = messages.slice(i, i + perRequest);
      if (!transactional) {
        await producer.send({ topic, acks: -1, messages: batch });
        continue;
      }
      const tx = await producer.transaction();
      await tx.send({ topic, acks: -1, messages: batch });
      await tx.commit();
    }
  } finally {
    await producer.disconnect();
  }
}

export async function createTopic(topic: string, numPartitions: number, config: Record<string, string> = {}): Promise<void> {
  const configEntries = Object.entries(config).map(([name, value]) => ({ name, value }));
  await createTopicsReady(admin, [{ topic, numPartitions, replicationFactor: 1, configEntries }]);
  cleanups.push(() => admin.deleteTopics({ topics: [topic] }));
}

/** A capture topic of `partitions` partitions, a 1-partition dead-letter topic and a group id, named `<prefix>…` for this run only. */
export async function newTopics(prefix: string, partitions: number): Promise<{ topic: string; deadLetterTopic: string; groupId: string }> {
  const names = { topic: uniqueName(prefix), deadLetterTopic: uniqueName(`${prefix}-dlq`), groupId: uniqueName(`${prefix}-group`) };
  await createTopic(names.topic, partitions);
  await createTopic(names.deadLetterTopic, 1);
  return names;
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "dqstream-monitor-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface MonitorTestOptions {
  topic: string;
  groupId: string;
  reports: string;
  deadLetterTopic: string;
  createDeadLetterTopic?: boolean;
  maxBytes?: number;
  latenessSeconds?: number;
  /** Default 2 s; tests whose input comes in phases use more, so that a pause never closes a window early. */
  idleCloseSeconds?: number;
  /** kafka.idle_partition_seconds (default 60). */
  idlePartitionSeconds?: number;
}

/** The monitor config of these tests, as the YAML/JSON file a child process reads. */
export function monitorConfigInput(o: MonitorTestOptions): Record<string, unknown> {
  return {
    baseline: { statistics: STATISTICS, constraints: CONSTRAINTS },
    reports_dir: o.reports,
    endpoint: "churn",
    schedule: "ten-minutes",
    window_seconds: 600,
    allowed_lateness_seconds: o.latenessSeconds ?? 0,
    kafka: {
      brokers: kafkaBrokers(),
      topics: [o.topic],
      group_id: o.groupId,
      dead_letter_topic: o.deadLetterTopic,
      // most tests let the monitor create it (test/hostile/ checks the refusal when it is missing)
      create_dead_letter_topic: o.createDeadLetterTopic ?? true,
      session_timeout_ms: 6_000,
      heartbeat_interval_ms: 1_000,
      ...(o.maxBytes === undefined ? {} : { max_bytes_per_partition: o.maxBytes }),
      ...(o.idlePartitionSeconds === undefined ? {} : { idle_partition_seconds: o.idlePartitionSeconds }),
    },
    http: { host: "127.0.0.1", port: 0 },
    idle_close_seconds: o.idleCloseSeconds ?? 2,
    shutdown_timeout_seconds: 20,
  };
}

export function monitorConfig(o: MonitorTestOptions): MonitorConfig {
  return MonitorConfigSchema.parse(monitorConfigInput(o));
}

/** Index of the first capture line whose inferenceTime is at or after `iso` (the lines are in time order). */
export function lineIndexAt(iso: string): number {
  const t = Date.parse(iso);
  const i = lines.findIndex((l) => Date.parse((JSON.parse(l) as { eventMetadata: { inferenceTime: string } }).eventMetadata.inferenceTime) >= t);
  return i === -1 ? lines.length : i;
}

/** Every report file of `actual` has the bytes of the same file of `expected`, and no file is missing or extra. */
export async function expectSameReports(actual: string, expected: string): Promise<void> {
  const files = await listFiles(expected);
  expect(files.length).toBeGreaterThan(0);
  expect(await listFiles(actual)).toEqual(files);
  for (const f of files) {
    const [a, e] = [await readFile(join(actual, f), "utf8"), await readFile(join(expected, f), "utf8")];
    if (a !== e) expect(JSON.parse(a), f).toEqual(JSON.parse(e)); // a readable diff first
    expect(a, f).toBe(e);
  }
}

/** A run of the monitor from start to end of the topic in one go: the reference for interrupted runs. */
export async function uninterruptedReports(o: Omit<MonitorTestOptions, "groupId" | "reports">, windows: number): Promise<string> {
  const dir = await tempDir();
  // the topic is complete when the reference reads it: a short idle close closes its last window
  // as soon as everything is read (a report's bytes do not depend on when its window closed)
  const m = await monitor(monitorConfig({ ...o, idleCloseSeconds: 2, groupId: `${o.topic}-reference`, reports: dir }));
  await expect.poll(() => m.reports.length, { timeout: 90_000, interval: 200 }).toBe(windows);
  await m.stop();
  return dir;
}

export async function monitor(config: MonitorConfig): Promise<RunningMonitor> {
  const kept = { name: `monitor ${monitorLogs.length + 1} (group ${config.kafka.group_id})`, lines: [] as string[] };
  monitorLogs.push(kept);
  const log =
    process.env["DQSTREAM_TEST_MONITOR_LOG"] === "1"
      ? createLogger("trace")
      : createLogger(
          "debug",
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              kept.lines.push(chunk.toString("utf8"));
              done();
            },
          }),
        );
  const m = await startMonitor(config, log, { maxWaitTimeInMs: 200, tickMs: 200 });
  cleanups.push(() => m.stop());
  return m;
}

/**
 * The capture lines on 3 partitions (line i on partition i mod 3, in order), some messages holding
 * 2 lines (JSON Lines). `outOfOrder`: in each partition, every 6th line swaps places with the line
 * 3 after it (about a minute of event time), so records of a window keep arriving after the next
 * window opened.
 */
export async function produceCapture(topic: string, from = 0, to = lines.length, outOfOrder = false, perRequest = 100, transactional = false): Promise<void> {
  const messages: Array<{ partition: number; value: string }> = [];
  for (let p = 0; p < 3; p++) {
    const mine = lines.map((l, i) => ({ l, i })).filter(({ i }) => i % 3 === p && i >= from && i < to);
    if (outOfOrder) {
      for (let k = 0; k + 3 < mine.length; k += 6) [mine[k], mine[k + 3]] = [mine[k + 3] as { l: string; i: number }, mine[k] as { l: string; i: number }];
    }
    for (let k = 0; k < mine.length;) {
      const n = k % 5 === 0 && k + 1 < mine.length ? 2 : 1;
      messages.push({
        partition: p,
        value: mine
          .slice(k, k + n)
          .map((x) => x.l)
          .join("\n"),
      });
      k += n;
    }
  }
  await send(topic, messages, perRequest, transactional);
}

/** The report files under a folder, sorted; the window parts under `.partials/` are left out. */
/**
 * The report files under `dir`, as readers see them: hidden entries (a staging folder a SIGKILL
 * left behind mid-publish, src/formats/publishFolder.ts; the reports lock) are not reports.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (e) =>
        e.isFile() &&
        !relative(dir, join(e.parentPath, e.name))
          .split("/")
          .some((s) => s.startsWith(".")),
    )
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export async function windowJsons(dir: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const f of (await listFiles(dir)).filter((f) => f.endsWith("window.json")))
    out.set(f, JSON.parse(await readFile(join(dir, f), "utf8")) as Record<string, unknown>);
  return out;
}

export async function violationsOf(dir: string, folder: string): Promise<string[]> {
  const v = JSON.parse(await readFile(join(dir, folder, "constraint_violations.json"), "utf8")) as {
    violations: Array<{ feature_name: string; constraint_check_type: string }>;
  };
  return v.violations.map((x) => `${x.constraint_check_type}:${x.feature_name}`).sort();
}

/** Per partition: the group's committed offset equals the high watermark; returns the metadata. */
export async function expectCommittedToEnd(topic: string, groupId: string): Promise<Array<string | null>> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const highs = new Map(ends.map((e) => [e.partition, e.high]));
  const commits = new Map(committed?.partitions.map((p) => [p.partition, p.offset]) ?? []);
  expect(commits).toEqual(highs);
  return committed?.partitions.map((p) => p.metadata) ?? [];
}

/** A `dqstream monitor` child process (test/integration/monitorResilience.disruptive.test.ts, monitorScaleOut.test.ts). */
export interface Child {
  readonly process: ChildProcess;
  /** "batch done" log lines so far. */
  batches(): number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** `dqstream monitor --config <file>` as a child process in `cwd`, logging at debug level (one line per batch), with `env` added. */
export function spawnMonitor(configFile: string, env: NodeJS.ProcessEnv = {}, cwd?: string): Child {
  const child = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "monitor", "--config", configFile], {
    env: { PATH: process.env["PATH"], DQSTREAM_LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let err = "";
  let batches = 0;
  child.stderr?.on("data", (d: Buffer) => {
    const text = d.toString();
    err += text;
    batches += text.split('"msg":"batch done"').length - 1;
  });
  // "close", not "exit": the process's last lines are read before a test looks at them
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { process: child, batches: () => batches, exited, stderr: () => err };
}
