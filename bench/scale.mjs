// `npm run bench:scale`: records/s of 1, 2 and 3 `dqstream monitor` processes of one group on one
// 4-partition topic, and stage 2's cost per window (issue 13; docs/design-monitor.md, "How it
// scales"). Prints a table and one JSON line; asserts nothing.
//
// Broker: Apache Kafka from its jars (scripts/kafka-local.mjs), on the same 2 cores, or yours with
// KAFKA_BROKERS. Data: bench/widthData.mjs's seeded capture at BENCH_FEATURES (20) features, 5,000
// records per 1-hour window, produced once to a topic of BENCH_PARTITIONS (4) partitions, round
// robin; a baseline made with the built CLI.
//
// After the data, one trailer record per partition, two windows past the last record: its
// watermark closes every data window, and each partition's commit then stops at its trailer (the
// first record of the one window left open).
//
// Per instance count n (BENCH_INSTANCES, default 1,2,3), BENCH_RUNS (1) times: a fresh group;
// n children `node dist/cli/main.js monitor --log-level debug` started together, each in a folder
// of its own, one reports folder; bench/closeLatencyProbe.mjs preloaded into each.
//   records/s   N ÷ (the moment every partition's commit reached its trailer and every data
//               window was reported − the first batch_done line of any instance): group joins are
//               left out, rebalances while the instances join are in (they are part of running n
//               instances), and so is stage 2 reporting the last window.
//   stage 2     the exact values of dqstream_window_close_latency_seconds the reporting instance
//               observed (from the parts-topic batch that completed a window to its report written
//               and the sinks handed it), p50 and max, and how many windows it reported.
// Then, with the broker stopped, bench/stage2Cost.mjs: stage 1's cost per part and stage 2's per
// window at BENCH_STAGE2_FEATURES (20,100,500) × BENCH_STAGE2_PARTITIONS (4,16,64), in process.
// Environment: BENCH_RECORDS (100000), BENCH_FEATURES (20), BENCH_PARTITIONS (4), BENCH_INSTANCES
// (1,2,3), BENCH_RUNS (1), BENCH_SEED (20240601), KAFKA_BROKERS, BENCH_STAGE2_* (above).
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import kafkajs from "kafkajs";
import { startLocalKafka } from "../scripts/kafka-local.mjs";
import { createTopicWithDeadLetters, produceLines } from "./kafkaBench.mjs";
import { envInt, fmtInt, machineInfo, median, table } from "./lib.mjs";
import { measureStage2, stage2Table } from "./stage2Cost.mjs";
import { ensureCapture, makeBaseline, START_MS } from "./widthData.mjs";

const { Kafka, logLevel } = kafkajs;
const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(dirname(HERE), "dist", "cli", "main.js");
const N = envInt("BENCH_RECORDS", 100_000);
const F = envInt("BENCH_FEATURES", 20);
const PARTITIONS = envInt("BENCH_PARTITIONS", 4);
const RUNS = envInt("BENCH_RUNS", 1);
const SEED = envInt("BENCH_SEED", 20240601);
const INSTANCES = (process.env.BENCH_INSTANCES ?? "1,2,3").split(",").map(Number);
const PER_WINDOW = 5000;
const WINDOW_SECONDS = 3600;
const log = (m) => process.stderr.write(`[bench:scale] ${m}\n`);

const tmp = mkdtempSync(join(os.tmpdir(), "dq-bench-scale-"));
const children = new Set();
let local;
let admin;

/** One monitor child: its batch_done times, and a promise of its exit. */
function startChild(configFile, closeFile) {
  const child = spawn(process.execPath, ["--import", join(HERE, "closeLatencyProbe.mjs"), CLI, "monitor", "--config", configFile, "--log-level", "debug"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, BENCH_CLOSE_FILE: closeFile },
  });
  children.add(child);
  const state = { firstBatchAt: undefined, reported: 0, problems: [], started: false };
  createInterface({ input: child.stderr }).on("line", (line) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    if (e.event === "batch_done" && state.firstBatchAt === undefined) state.firstBatchAt = e.time;
    if (e.event === "window_closed") state.reported++;
    if (e.event === "monitor_started") state.started = true;
    if (e.level >= 50) state.problems.push(line.slice(0, 500));
  });
  const handle = { child, state, exited: undefined, exitCode: undefined };
  handle.exited = new Promise((r) =>
    child.on("close", (code, signal) => {
      children.delete(child);
      handle.exitCode = code ?? signal;
      r();
    }),
  );
  return handle;
}

/** Whether every partition's commit is at its trailer (the last record). */
async function committedToTrailers(topic, group) {
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const c = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]) ?? []);
  return ends.every((e) => c.get(e.partition) === String(BigInt(e.high) - 1n));
}

/** One record per partition, `windows` windows after the data's last one (a copy of its first line, another time). */
async function trailers(kafka, topic, file, lastMs, windows) {
  const input = createReadStream(file);
  let first;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    first = JSON.parse(line);
    break;
  }
  input.destroy();
  first.eventMetadata.inferenceTime = new Date(lastMs + windows * WINDOW_SECONDS * 1000).toISOString();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: JSON.stringify(first) })) });
  await producer.disconnect();
}

try {
  const spacingMs = (WINDOW_SECONDS * 1000) / PER_WINDOW;
  const capture = ensureCapture(F, N, spacingMs, SEED + 1, log);
  const baselineDir = await makeBaseline(F, 5000, SEED, join(tmp, "baseline"), log);
  local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka({ log: (m) => log(`[kafka] ${m}`) });
  const brokers = process.env.KAFKA_BROKERS?.split(",") ?? local.brokers;
  const kafka = new Kafka({ clientId: "dqstream-bench-scale", brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  const stamp = Date.now().toString(36);
  const topic = `dq-scale-${stamp}`;
  const dlq = await createTopicWithDeadLetters(admin, topic, PARTITIONS);
  log(`producing ${fmtInt(N)} records × ${F} features to ${topic} (${PARTITIONS} partitions) …`);
  await produceLines(kafka, topic, capture.file, N, PARTITIONS);
  const lastMs = START_MS + Math.floor((N - 1) * spacingMs);
  const windowMs = WINDOW_SECONDS * 1000;
  const dataWindows = Math.floor(lastMs / windowMs) - Math.floor(START_MS / windowMs) + 1;
  await trailers(kafka, topic, capture.file, lastMs, 2);
  const loadBefore = os.loadavg()[0];
  const rows = [];
  for (const n of INSTANCES) {
    const rates = [];
    const stage2 = [];
    let reported = 0;
    for (let r = 1; r <= RUNS; r++) {
      const group = `${topic}-n${n}-r${r}`;
      const run = join(tmp, group);
      const reportsDir = join(run, "reports");
      const started = [];
      for (let i = 0; i < n; i++) {
        const dir = join(run, `instance-${i}`);
        mkdirSync(dir, { recursive: true });
        const config = {
          baseline: { statistics: join(baselineDir, "statistics.json"), constraints: join(baselineDir, "constraints.json") },
          reports_dir: reportsDir,
          endpoint: "bench",
          schedule: "scale",
          window_seconds: WINDOW_SECONDS,
          idle_close_seconds: 3600,
          kafka: { brokers, topics: [topic], group_id: group, dead_letter_topic: dlq },
          http: { host: "127.0.0.1", port: 0 },
        };
        writeFileSync(join(dir, "monitor.json"), JSON.stringify(config));
        started.push(startChild(join(dir, "monitor.json"), join(dir, "close.json")));
      }
      log(`${n} instance${n > 1 ? "s" : ""}, run ${r}: consuming …`);
      const deadline = Date.now() + 600_000;
      const reportedNow = () => started.reduce((k, s) => k + s.state.reported, 0);
      while (reportedNow() < dataWindows || !(await committedToTrailers(topic, group))) {
        if (Date.now() > deadline) throw new Error(`${n} instances did not finish within 600 s (${reportedNow()} of ${dataWindows} windows reported)`);
        for (const [i, s] of started.entries())
          if (s.exitCode !== undefined) throw new Error(`instance ${i} exited (${s.exitCode}): ${s.state.problems.join(" | ")}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      const endAt = Date.now();
      const firstAt = Math.min(...started.map((s) => s.state.firstBatchAt ?? Infinity));
      rates.push(N / ((endAt - firstAt) / 1000));
      for (const s of started) s.child.kill("SIGTERM");
      // (reported counts windows, not reports: a window reported again after a takeover counts twice)
      await Promise.all(started.map((s) => s.exited));
      for (const [i, s] of started.entries()) {
        const file = join(run, `instance-${i}`, "close.json");
        if (existsSync(file)) stage2.push(...JSON.parse(readFileSync(file, "utf8")).closeSeconds);
        reported += s.state.reported;
        for (const p of s.state.problems) log(`  instance ${i}: ${p}`);
      }
      log(`  ${fmtInt(rates.at(-1))} records/s`);
    }
    const sorted = [...stage2].sort((a, b) => a - b);
    rows.push({
      instances: n,
      recPerSec: median(rates),
      stage2P50Ms: sorted.length === 0 ? NaN : 1000 * sorted[Math.floor((sorted.length - 1) / 2)],
      stage2MaxMs: sorted.length === 0 ? NaN : 1000 * sorted[sorted.length - 1],
      windowsReported: reported / RUNS,
    });
  }
  const loadAfter = os.loadavg()[0];
  const base = rows[0]?.recPerSec ?? NaN;
  process.stdout.write(
    `\n${table(
      ["instances", "records/s", "× one", "stage 2 per window p50", "max", "windows reported"],
      rows.map((x) => [
        String(x.instances),
        fmtInt(x.recPerSec),
        (x.recPerSec / base).toFixed(2),
        `${x.stage2P50Ms.toFixed(0)} ms`,
        `${x.stage2MaxMs.toFixed(0)} ms`,
        String(x.windowsReported),
      ]),
    )}\n${fmtInt(N)} records × ${F} features, ${PARTITIONS} partitions, ${PER_WINDOW} records per window\n`,
  );
  await admin.disconnect();
  admin = undefined;
  await local?.stop();
  local = undefined;
  // the model's per-window costs, with the broker stopped (bench/stage2Cost.mjs)
  const stage2 = await measureStage2({
    widths: (process.env.BENCH_STAGE2_FEATURES ?? "20,100,500").split(",").map(Number),
    partitionCounts: (process.env.BENCH_STAGE2_PARTITIONS ?? "4,16,64").split(",").map(Number),
    runs: envInt("BENCH_STAGE2_RUNS", 5),
    seed: SEED,
    log,
  });
  process.stdout.write(`\nstage 1 per part and stage 2 per window, in process (bench/stage2Cost.mjs):\n${stage2Table(stage2)}\n`);
  process.stdout.write(
    `${JSON.stringify({ bench: "scale", machine: machineInfo(loadBefore, loadAfter), records: N, features: F, partitions: PARTITIONS, rows, stage2 })}\n`,
  );
} finally {
  for (const c of children) c.kill("SIGKILL");
  await admin?.disconnect().catch(() => {});
  await local?.stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
