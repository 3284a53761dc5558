// `npm run bench:monitor`: `dqstream monitor` end to end against a real broker at 20 and 500
// features, each beside two Kafka floors measured in the same run (issue 12, "Performance at real
// widths"). Prints rates, window close p50/p99 and peak RSS with their targets; asserts nothing.
//
// Broker: Apache Kafka from its jars (scripts/kafka-local.mjs startLocalKafka, JVM -Xmx512m, on the
// same 2 cores as everything else), or yours with KAFKA_BROKERS (topics are created and deleted).
//
// Per width F (features, counting the model output `label`):
//   1. the seeded training CSV and capture file of bench/widthData.mjs (shared with bench:replay:
//      text/csv envelope, inference times 0.72 s apart, so 5,000 records fall in each 1-hour
//      window), and a baseline made with the built CLI (`node dist/cli/main.js baseline --format
//      csv --header`);
//   2. a topic of BENCH_PARTITIONS (4) partitions, the capture's records produced once, one record
//      a message, no key, partition = record index mod 4 (round robin), in file order;
//   3. BENCH_RUNS times, in this order, each in its own child process and with a fresh consumer
//      group reading from the beginning:
//        a. floor "consume only": kafkajs consumes every message, nothing per message
//           (bench/kafkaFloorChild.mjs consume);
//        b. floor "consume + parse": the same plus, per message, JSON.parse of the capture record,
//           split of its CSV payload and Number() per field (bench/kafkaFloorChild.mjs parse, the
//           parsing of bench/captureParseOnlyChild.mjs, shared in bench/captureParse.mjs);
//        c. the monitor: `node dist/cli/main.js monitor --config <file> --log-level debug` as a
//           child process — so its peak RSS is its own — with bench/rssOnExit.mjs and
//           bench/closeLatencyProbe.mjs preloaded (node --import). Config: the baseline, a fresh
//           reports folder, window_seconds 3600, idle_close_seconds 3600 (no idle close during a
//           run), a dead-letter topic made beforehand, /metrics on a free port, and two report
//           sinks so that a window close hands them their data: alerts (log channel) and
//           CloudWatch Embedded Metric Format lines to a file (BENCH_SINKS=0: neither). Once it has
//           consumed every record it gets SIGTERM and exits (the last window stays open: no later
//           record closes it).
//   Medians of the runs are reported.
//
// Measurements (same rule for the monitor and both floors):
//   records/s  (records − the first batch's) ÷ (end of the batch that brings the count to
//              `records` − end of the first batch). Monitor: from its `batch_done` debug log lines
//              (pino `time`, ms; `records`), one per batch after its offsets are committed; floors:
//              performance.now() after each batch is handled. Group join and the first fetch are
//              left out of both.
//   close      exact per-window values of the monitor's dqstream_window_close_latency_seconds (from
//              the batch that made a window closable to its checks evaluated, report files and
//              window parts written and report sinks handed the report), recorded by
//              bench/closeLatencyProbe.mjs as the monitor observes them; p50/p99 (nearest rank) over
//              every window closed in all runs. The histogram itself (read from /metrics at the
//              end of each run; buckets 0.1, 0.25, 0.5, 1 s …) must agree: its count is checked, and
//              the bucket holding its p99 is in the JSON line.
//   peak RSS   the monitor child's process.resourceUsage().maxRSS at exit (bench/rssOnExit.mjs),
//              the worst of the runs, MB = 10^6 bytes.
//   Each run is checked: the monitor consumed every record (dqstream_records_consumed_total), no
//   dead letters, no late/malformed/skipped records, every window but the last closed with 5,000
//   items; the floors saw every record (and every field, when parsing).
//
// Environment:
//   BENCH_WIDTHS           comma-separated widths (default 20,500)
//   BENCH_RECORDS_<F>      records at width F (defaults 200000 at 20, 40000 at 500, 20000 otherwise)
//   BENCH_RECORDS          records at every width (a BENCH_RECORDS_<F> still wins)
//   BENCH_RUNS             runs of each pass (default 3)
//   BENCH_SEED             PRNG seed (default 20240601; the capture uses seed + 1)
//   BENCH_TRAIN_ROWS       training rows for the baseline (default 5000)
//   BENCH_PARTITIONS       partitions of the topic (default 4)
//   BENCH_SINKS            1 (default): alerts + EMF report sinks; 0: none
//   BENCH_PROFILE_DIR      a folder: the monitor child runs under node --cpu-prof into it
//   KAFKA_BROKERS          use this broker instead of starting one
//
// Targets (issue 12): ratio to the consume+parse floor ≥ 0.5 at 20 features, ≥ 0.3 at 500; close
// p99 ≤ 250 ms at 20, ≤ 1 s at 500; peak RSS ≤ 300 MB at 20, ≤ 500 MB at 500. Other widths: none.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import kafkajs from "kafkajs";
import { startLocalKafka } from "../scripts/kafka-local.mjs";
import { envInt, envWidths, fmtInt, lastJson, machineInfo, median, runNode, table } from "./lib.mjs";
import { ensureCapture, makeBaseline, WIDTH_DIR } from "./widthData.mjs";
import { createTopicWithDeadLetters, produceLines } from "./kafkaBench.mjs";

const { Kafka, logLevel } = kafkajs;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const CLI = join(ROOT, "dist", "cli", "main.js");

const TARGETS = {
  20: { ratio: 0.5, closeP99Ms: 250, rssMB: 300 },
  500: { ratio: 0.3, closeP99Ms: 1000, rssMB: 500 },
};
const DEFAULT_RECORDS = { 20: 200_000, 500: 40_000 };
const WINDOW_SECONDS = 3600;

const WIDTHS = envWidths("BENCH_WIDTHS", "20,500");
const RUNS = envInt("BENCH_RUNS", 3);
const SEED = envInt("BENCH_SEED", 20240601);
const TRAIN_ROWS = envInt("BENCH_TRAIN_ROWS", 5000);
const PARTITIONS = envInt("BENCH_PARTITIONS", 4);
const PER_WINDOW = 5000;
const SPACING_MS = (WINDOW_SECONDS * 1000) / PER_WINDOW;
const SINKS = process.env.BENCH_SINKS !== "0";
const recordsFor = (f) => envInt(`BENCH_RECORDS_${f}`, envInt("BENCH_RECORDS", DEFAULT_RECORDS[f] ?? 20_000));

const log = (msg) => process.stderr.write(`[bench:monitor] ${msg}\n`);
const mb = (kib) => (kib * 1024) / 1e6;

// ---------------------------------------------------------------------------------------------
// Children

/** Current child processes, killed if the benchmark is interrupted. */
const children = new Set();
const run = (args, env = {}) => runNode(args, env, children);

/** Prometheus text → [{name, labels, value}]. */
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const labels = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}
const metricSum = (ms, name, match = () => true) => ms.filter((m) => m.name === name && match(m.labels)).reduce((s, m) => s + m.value, 0);

/**
 * One `dqstream monitor` child: starts it, follows its JSON log lines on stderr, and once its
 * batch_done lines add up to `records` and `windows` windows were reported (stage 2 reports the
 * windows the last batches closed a moment after them: at most 30 s more), reads /metrics, sends
 * SIGTERM and waits for it to exit. The rate is taken from the batch_done lines, not from then.
 */
function runMonitor({ configFile, records, windows: expectedWindows, rssFile, closeFile, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
        "--import",
        join(HERE, "rssOnExit.mjs"),
        "--import",
        join(HERE, "closeLatencyProbe.mjs"),
        CLI,
        "monitor",
        "--config",
        configFile,
        "--log-level",
        "debug",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BENCH_RSS_FILE: rssFile, BENCH_CLOSE_FILE: closeFile } },
    );
    children.add(child);
    const batches = [];
    const windows = [];
    const problems = [];
    const tail = [];
    let alerts = 0;
    let url;
    let consumed = 0;
    let doneAt;
    let metrics;
    let stopping = false;
    let allConsumedAt;
    let failure;
    const timer = setTimeout(() => {
      failure = new Error(`the monitor did not consume ${records} records within ${timeoutMs / 1000} s (${consumed} consumed)`);
      child.kill("SIGKILL");
    }, timeoutMs);
    const stop = async () => {
      stopping = true;
      doneAt = allConsumedAt ?? performance.now();
      try {
        const res = await fetch(`${url}/metrics`);
        metrics = parseMetrics(await res.text());
      } catch (e) {
        failure = new Error(`reading ${url}/metrics failed: ${e.message}`);
      }
      child.kill("SIGTERM");
    };
    createInterface({ input: child.stderr }).on("line", (line) => {
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        return;
      }
      if (e.event === "alert_open" || e.event === "alert_repeat") alerts++;
      else if (e.level >= 40) problems.push(line.slice(0, 2000));
      if (e.event === "http_server_listening") url = e.url;
      else if (e.event === "batch_done") {
        batches.push({ time: e.time, records: e.records });
        consumed += e.records;
        if (consumed >= records && allConsumedAt === undefined) {
          allConsumedAt = performance.now();
          setTimeout(() => void (stopping ? undefined : stop()), 30_000);
        }
      } else if (e.event === "window_closed") windows.push({ time: e.time, items: e.items, violations: e.violations, start: e.window_start });
      if (allConsumedAt !== undefined && windows.length >= expectedWindows && !stopping) void stop();
    });
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const wallSeconds = ((doneAt ?? performance.now()) - t0) / 1000;
      if (failure === undefined && (code !== 0 || !stopping))
        failure = new Error(`the monitor exited with ${code ?? signal} before consuming everything (${consumed}/${records})`);
      if (failure !== undefined) {
        failure.message += `\nlast problems:\n${problems.slice(-10).join("\n")}\nother output:\n${tail.join("\n")}`;
        reject(failure);
        return;
      }
      resolve({ batches, windows, problems, alerts, metrics, wallSeconds });
    });
  });
}

/** The batch_done rule: (records − first batch) ÷ (batch reaching `records` − first batch), by log time in ms. */
function rateFromBatches(batches, records) {
  const first = batches[0];
  let n = 0;
  for (const b of batches) {
    n += b.records;
    if (n >= records)
      return { recPerSec: (records - first.records) / ((b.time - first.time) / 1000), seconds: (b.time - first.time) / 1000, firstBatchRecords: first.records };
  }
  throw new Error("not every record was consumed");
}

/** Nearest-rank quantile of sorted values. */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

// ---------------------------------------------------------------------------------------------
// Kafka

const tmp = mkdtempSync(join(os.tmpdir(), "dq-bench-monitor-"));
let local;
let admin;
const topics = [];
let cleaning;
/** Kills the children, deletes the topics, stops the broker, removes the temp folder; once (later calls share the first). */
const cleanup = () => (cleaning ??= cleanupOnce());
async function cleanupOnce() {
  for (const c of children) c.kill("SIGKILL");
  if (admin !== undefined) {
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  await local?.stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark

const rows = [];
let loadBefore;
let loadAfter;
let brokerNote;
try {
  // data and baselines first (no broker running yet)
  const inputs = new Map();
  for (const F of WIDTHS) {
    const N = recordsFor(F);
    const capture = ensureCapture(F, N, SPACING_MS, SEED + 1, log);
    const baselineDir = await makeBaseline(F, TRAIN_ROWS, SEED, join(tmp, `baseline-f${F}`), log);
    inputs.set(F, { N, capture, baselineDir });
  }

  if (process.env.KAFKA_BROKERS) brokerNote = `broker ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS)`;
  else {
    local = await startLocalKafka({ log: (m) => log(`[kafka] ${m}`) });
    brokerNote = `local Apache Kafka ${local.version} from its jars (scripts/kafka-local.mjs), same machine`;
  }
  const brokers = process.env.KAFKA_BROKERS?.split(",") ?? local.brokers;
  const kafka = new Kafka({ clientId: "dqstream-bench", brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  const stamp = Date.now().toString(36);

  loadBefore = os.loadavg()[0];
  for (const F of WIDTHS) {
    const { N, capture, baselineDir } = inputs.get(F);
    const topic = `dq-bench-f${F}-${stamp}`;
    const dlq = await createTopicWithDeadLetters(admin, topic, PARTITIONS);
    topics.push(topic, dlq);
    log(`F=${F}: producing ${fmtInt(N)} records to ${topic} (${PARTITIONS} partitions, round robin) …`);
    const produced = await produceLines(kafka, topic, capture.file, N, PARTITIONS);
    log(`  ${(produced.bytes / 1e6).toFixed(1)} MB in ${produced.seconds.toFixed(1)} s`);

    const windowsSpanned = Math.ceil(N / PER_WINDOW);
    const floors = { consume: [], parse: [] };
    const monitor = [];
    for (let r = 1; r <= RUNS; r++) {
      for (const mode of ["consume", "parse"]) {
        log(`F=${F} run ${r}/${RUNS}: floor kafkajs ${mode === "consume" ? "consume only" : "consume + parse"} …`);
        const p = lastJson((await run([join(HERE, "kafkaFloorChild.mjs"), brokers.join(","), topic, String(N), mode, `${topic}-floor-${mode}-${r}`])).stdout);
        if (p.records !== N || (mode === "parse" && (p.parsedRecords !== N || p.fields !== N * F)))
          throw new Error(`floor ${mode} saw ${p.records} records / ${p.fields} fields, expected ${N} / ${N * F}`);
        floors[mode].push(p);
        log(
          `  ${fmtInt(p.recPerSec)} rec/s (${p.seconds.toFixed(2)} s after the first batch of ${p.firstBatchRecords}), peak RSS ${mb(p.maxRssKiB).toFixed(1)} MB`,
        );
      }

      log(`F=${F} run ${r}/${RUNS}: dqstream monitor …`);
      const dir = join(tmp, `f${F}-run${r}`);
      const reportsDir = join(dir, "reports");
      const configFile = join(dir, "monitor.json");
      const rssFile = join(dir, "rss.json");
      const closeFile = join(dir, "close.json");
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const config = {
        baseline: { statistics: join(baselineDir, "statistics.json"), constraints: join(baselineDir, "constraints.json") },
        reports_dir: reportsDir,
        endpoint: "bench",
        schedule: `f${F}`,
        window_seconds: WINDOW_SECONDS,
        idle_close_seconds: 3600,
        kafka: { brokers, topics: [topic], group_id: `${topic}-monitor-${r}`, dead_letter_topic: dlq },
        http: { host: "127.0.0.1", port: 0 },
        ...(SINKS ? { alerts: { channels: { log: true } }, cloudwatch: { emf: { enabled: true, path: join(dir, "emf.log") } } } : {}),
      };
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
      const m = await runMonitor({ configFile, records: N, windows: windowsSpanned - 1, rssFile, closeFile, timeoutMs: 120_000 + (N / 200) * 1000 });
      const rate = rateFromBatches(m.batches, N);
      const rss = JSON.parse(readFileSync(rssFile, "utf8"));
      const close = JSON.parse(readFileSync(closeFile, "utf8")).closeSeconds;
      // checks: everything consumed and counted, nothing dead-lettered, every window but the last closed with PER_WINDOW items
      const ms = m.metrics;
      const consumed = metricSum(ms, "dqstream_records_consumed_total");
      const dead = metricSum(ms, "dqstream_dead_letters_total");
      const bad = metricSum(ms, "dqstream_records_total", (l) => l.outcome !== "counted");
      const closedTotal = metricSum(ms, "dqstream_windows_closed_total");
      const histCount = metricSum(ms, "dqstream_window_close_latency_seconds_count");
      if (consumed !== N || dead !== 0 || bad !== 0)
        throw new Error(`monitor run: ${consumed} consumed (expected ${N}), ${dead} dead letters, ${bad} records not counted\n${m.problems.join("\n")}`);
      const closedAtMetrics = m.windows.slice(0, closedTotal);
      if (closedTotal !== windowsSpanned - 1 || closedAtMetrics.some((w) => w.items !== PER_WINDOW))
        log(`  warning: ${closedTotal} windows closed (expected ${windowsSpanned - 1}), items ${closedAtMetrics.map((w) => w.items).join(",")}`);
      if (histCount !== closedTotal || close.length < closedTotal)
        throw new Error(`close latency: histogram count ${histCount}, probe ${close.length} values, ${closedTotal} windows closed`);
      const buckets = ms
        .filter((x) => x.name === "dqstream_window_close_latency_seconds_bucket")
        .map((x) => ({ le: x.labels.le === "+Inf" ? Infinity : Number(x.labels.le), count: x.value }))
        .sort((a, b) => a.le - b.le);
      const closeAtMetrics = close.slice(0, closedTotal);
      monitor.push({
        ...rate,
        wallSeconds: m.wallSeconds,
        maxRssKiB: rss.maxRssKiB,
        windowsClosed: closedTotal,
        violations: m.windows.reduce((s, w) => s + w.violations, 0),
        closeSeconds: closeAtMetrics,
        buckets,
        alerts: m.alerts,
        warnings: m.problems.length,
      });
      const sorted = [...closeAtMetrics].sort((a, b) => a - b);
      log(
        `  ${fmtInt(rate.recPerSec)} rec/s (${rate.seconds.toFixed(2)} s after the first batch of ${rate.firstBatchRecords}; ${m.wallSeconds.toFixed(1)} s from spawn), ` +
          `${closedTotal} windows closed, close p50 ${(quantile(sorted, 0.5) * 1000).toFixed(1)} ms max ${(sorted.at(-1) * 1000).toFixed(1)} ms, peak RSS ${mb(rss.maxRssKiB).toFixed(1)} MB`,
      );
      if (m.problems.length > 0) log(`  ${m.problems.length} warning/error log line(s), the first: ${m.problems[0]}`);
      rmSync(dir, { recursive: true, force: true });
    }

    const monitorRate = median(monitor.map((x) => x.recPerSec));
    const parseRate = median(floors.parse.map((x) => x.recPerSec));
    const consumeRate = median(floors.consume.map((x) => x.recPerSec));
    const closes = monitor.flatMap((x) => x.closeSeconds).sort((a, b) => a - b);
    // the pooled histogram: bucket counts summed over the runs; the smallest bound holding 99 %
    const pooled = monitor[0].buckets.map((b, i) => ({ le: b.le, count: monitor.reduce((s, x) => s + (x.buckets[i]?.count ?? 0), 0) }));
    const histP99 = pooled.find((b) => b.count >= 0.99 * closes.length)?.le;
    const target = TARGETS[F];
    const row = {
      features: F,
      records: N,
      partitions: PARTITIONS,
      windowsClosedPerRun: monitor.map((x) => x.windowsClosed),
      closesMeasured: closes.length,
      monitorRecPerSec: monitorRate,
      floorParseRecPerSec: parseRate,
      floorConsumeRecPerSec: consumeRate,
      ratio: monitorRate / parseRate,
      ratioToConsumeOnly: monitorRate / consumeRate,
      closeP50Ms: quantile(closes, 0.5) * 1000,
      closeP99Ms: quantile(closes, 0.99) * 1000,
      closeMaxMs: closes.at(-1) * 1000,
      closeHistogramP99LeMs: histP99 === undefined ? null : histP99 * 1000,
      monitorPeakRssMB: mb(Math.max(...monitor.map((x) => x.maxRssKiB))),
      floorParsePeakRssMB: mb(Math.max(...floors.parse.map((x) => x.maxRssKiB))),
      floorConsumePeakRssMB: mb(Math.max(...floors.consume.map((x) => x.maxRssKiB))),
      captureBytes: produced.bytes,
      produceSeconds: produced.seconds,
      violationsPerRun: monitor.map((x) => x.violations),
      alertsPerRun: monitor.map((x) => x.alerts),
      warningsPerRun: monitor.map((x) => x.warnings),
      monitorRecPerSecAll: monitor.map((x) => Math.round(x.recPerSec)),
      monitorWallSecondsAll: monitor.map((x) => Number(x.wallSeconds.toFixed(2))),
      floorParseRecPerSecAll: floors.parse.map((x) => Math.round(x.recPerSec)),
      floorConsumeRecPerSecAll: floors.consume.map((x) => Math.round(x.recPerSec)),
      monitorPeakRssMBAll: monitor.map((x) => Number(mb(x.maxRssKiB).toFixed(1))),
      target,
    };
    if (target !== undefined) {
      row.targetMet = { ratio: row.ratio >= target.ratio, closeP99: row.closeP99Ms <= target.closeP99Ms, rss: row.monitorPeakRssMB <= target.rssMB };
    }
    rows.push(row);
    await admin.deleteTopics({ topics: [topic, dlq], timeout: 10_000 }).catch(() => {});
    topics.splice(0, topics.length);
  }
  loadAfter = os.loadavg()[0];
} finally {
  await cleanup();
}

// ---------------------------------------------------------------------------------------------
// Output

const machine = machineInfo(loadBefore, loadAfter);
const met = (ok) => (ok ? "MET" : "NOT MET");
const cell = (ok, text) => (ok === undefined ? "–" : `${text}: ${met(ok)}`);
console.log(
  `\ndqstream monitor end to end — ${PARTITIONS} partitions, window ${WINDOW_SECONDS} s (${fmtInt(PER_WINDOW)} records each), baseline from ${fmtInt(TRAIN_ROWS)} training rows, ` +
    `report sinks: ${SINKS ? "alerts (log) + CloudWatch EMF (file)" : "none"}, median of ${RUNS} run(s)`,
);
console.log(`machine: node ${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.memGiB} GiB, ${machine.platform}`);
console.log(`load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} (the broker shares the 2 cores)`);
console.log(`broker: ${brokerNote}; data: ${WIDTH_DIR}\n`);
console.log(
  table(
    [
      "features",
      "records",
      "monitor rec/s",
      "floor consume+parse rec/s",
      "ratio",
      "consume-only rec/s",
      "close p50 ms",
      "close p99 ms",
      "windows closed",
      "peak RSS MB",
      "ratio target",
      "close p99 target",
      "RSS target",
    ],
    rows.map((r) => [
      String(r.features),
      fmtInt(r.records),
      fmtInt(r.monitorRecPerSec),
      fmtInt(r.floorParseRecPerSec),
      r.ratio.toFixed(3),
      fmtInt(r.floorConsumeRecPerSec),
      r.closeP50Ms.toFixed(1),
      r.closeP99Ms.toFixed(1),
      `${r.closesMeasured}`,
      r.monitorPeakRssMB.toFixed(1),
      cell(r.targetMet?.ratio, `≥ ${r.target?.ratio}`),
      cell(r.targetMet?.closeP99, `≤ ${r.target?.closeP99Ms} ms`),
      cell(r.targetMet?.rss, `≤ ${r.target?.rssMB} MB`),
    ]),
  ),
);
console.log(
  "\nrec/s: (records − first batch) ÷ time from the end of the first batch to the end of the last, median of the runs; ratio = monitor ÷ consume+parse floor. " +
    "close: the monitor's own window close latency (checks, report files, sinks handed the report), every value, p50/p99 by nearest rank over the windows closed in all runs (column `windows closed`). " +
    "peak RSS: the monitor child's maxRSS, worst run.\n",
);
console.log(
  JSON.stringify({
    bench: "monitor",
    runs: RUNS,
    partitions: PARTITIONS,
    windowSeconds: WINDOW_SECONDS,
    recordsPerWindow: PER_WINDOW,
    trainRows: TRAIN_ROWS,
    seed: SEED,
    sinks: SINKS ? ["alerts:log", "cloudwatch:emf-file"] : [],
    broker: brokerNote,
    widths: rows.map((r) => ({
      ...r,
      monitorRecPerSec: Math.round(r.monitorRecPerSec),
      floorParseRecPerSec: Math.round(r.floorParseRecPerSec),
      floorConsumeRecPerSec: Math.round(r.floorConsumeRecPerSec),
      ratio: Number(r.ratio.toFixed(4)),
      ratioToConsumeOnly: Number(r.ratioToConsumeOnly.toFixed(4)),
      closeP50Ms: Number(r.closeP50Ms.toFixed(1)),
      closeP99Ms: Number(r.closeP99Ms.toFixed(1)),
      closeMaxMs: Number(r.closeMaxMs.toFixed(1)),
      monitorPeakRssMB: Number(r.monitorPeakRssMB.toFixed(1)),
      floorParsePeakRssMB: Number(r.floorParsePeakRssMB.toFixed(1)),
      floorConsumePeakRssMB: Number(r.floorConsumePeakRssMB.toFixed(1)),
      produceSeconds: Number(r.produceSeconds.toFixed(2)),
    })),
    machine,
  }),
);
