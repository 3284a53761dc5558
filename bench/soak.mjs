// Soak of `dqstream monitor` (issue 9, point 17): nothing it holds may grow with the number of
// records or windows processed. A producer drives event time at 1 hour per second of wall clock
// through 60-second windows (60 windows a second) into a monitor in this process, against a real
// broker (Apache Kafka from its jars, or KAFKA_BROKERS); every second the heap is collected and
// the resident set and live heap sampled. Prints both at 10 %, 50 % and 100 % of the windows and
// the growth per 1,000 windows over the second half (a least-squares slope). Asserts nothing.
// One partition: the monitor closes fewer windows a second than this producer opens, and falls
// behind; in one partition records come in order, so it still holds two windows at most (with
// several, a partition read ahead of another keeps windows open: that is lag, not a leak).
// BENCH_LOG=info writes the monitor's log to $TMPDIR/dq-soak.log.
//   npm run bench:soak                        5,000 windows
//   BENCH_WINDOWS=20000 npm run bench:soak    longer
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { startLocalKafka } from "../scripts/kafka-local.mjs";
import { MonitorConfigSchema } from "../dist/config/monitorSchema.js";
import { startMonitor } from "../dist/engine/runMonitor.js";
import { createLogger, silentLogger } from "../dist/telemetry/logger.js";
import { envInt, fmtInt, table } from "./lib.mjs";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc (npm run bench:soak does)");
const ROOT = resolve(import.meta.dirname, "..");
const WINDOWS = envInt("BENCH_WINDOWS", 5_000);
const PER_WINDOW = envInt("BENCH_PER_WINDOW", 5);
const WINDOW_MS = 60_000;
/** Event time per second of wall clock. */
const EVENT_MS_PER_SECOND = 3_600_000;
// the event times stay behind the Kafka timestamps (the plausibility rule): start far enough back
const T0 = Math.floor((Date.now() - (WINDOWS * WINDOW_MS + 86_400_000)) / WINDOW_MS) * WINDOW_MS;

const local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka({ log: (m) => console.log(`[kafka] ${m}`) });
const brokers = process.env.KAFKA_BROKERS?.split(",") ?? local.brokers;
const kafka = new Kafka({ clientId: "dqstream-soak", brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topic = `dq-soak-${Date.now().toString(36)}`;
await admin.createTopics({
  topics: [
    { topic, numPartitions: 1, replicationFactor: 1 },
    { topic: `${topic}-dlq`, numPartitions: 1, replicationFactor: 1 },
  ],
  waitForLeaders: true,
});

const { readFile } = await import("node:fs/promises");
const template = (await readFile(join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl"), "utf8"))
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const reports = await mkdtemp(join(tmpdir(), "dq-soak-"));
const config = MonitorConfigSchema.parse({
  baseline: {
    statistics: join(ROOT, "test/golden/baseline/csv-header/statistics.json"),
    constraints: join(ROOT, "test/golden/baseline/csv-header/constraints.json"),
  },
  reports_dir: reports,
  endpoint: "soak",
  schedule: "minutely",
  window_seconds: WINDOW_MS / 1000,
  kafka: { brokers, topics: [topic], group_id: `${topic}-group`, dead_letter_topic: `${topic}-dlq` },
  http: { host: "127.0.0.1", port: 0 },
  idle_close_seconds: 3600,
  partials_retention_seconds: 3600,
  alerts: { channels: { log: false } },
});
const m = await startMonitor(
  config,
  process.env.BENCH_LOG ? createLogger(process.env.BENCH_LOG, (await import("node:fs")).createWriteStream(join(tmpdir(), "dq-soak.log"))) : silentLogger(),
  { tickMs: 200, maxWaitTimeInMs: 200 },
);

// The producer: each tick, the next 100 ms of wall clock worth of event time (6 minutes, 6 windows).
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
let eventMs = T0;
let produced = 0;
const endMs = T0 + (WINDOWS + 1) * WINDOW_MS;
const producing = (async () => {
  const step = EVENT_MS_PER_SECOND / 10;
  while (eventMs < endMs) {
    const tick = performance.now();
    const messages = [];
    for (let t = eventMs; t < eventMs + step; t += WINDOW_MS / PER_WINDOW) {
      const r = structuredClone(template[produced % template.length]);
      r.eventMetadata.inferenceTime = iso(t);
      messages.push({ partition: 0, value: JSON.stringify(r) });
      produced++;
    }
    await producer.send({ topic, acks: -1, messages });
    eventMs += step;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tick))));
  }
})();

const samples = [];
const started = performance.now();
for (;;) {
  await new Promise((r) => setTimeout(r, 1000));
  globalThis.gc();
  const mem = process.memoryUsage();
  samples.push({ s: (performance.now() - started) / 1000, windows: m.reportsWritten, rss: mem.rss, heap: mem.heapUsed });
  if (m.reportsWritten >= WINDOWS) break;
}
await producing;
await producer.disconnect();
await m.stop();

const at = (f) => samples.find((x) => x.windows >= f * WINDOWS) ?? samples.at(-1);
const mb = (b) => (b / 1e6).toFixed(1);
/** Least-squares slope of y over windows, in bytes per 1,000 windows. */
const slope = (pts, key) => {
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.windows, 0) / n;
  const my = pts.reduce((s, p) => s + p[key], 0) / n;
  const num = pts.reduce((s, p) => s + (p.windows - mx) * (p[key] - my), 0);
  const den = pts.reduce((s, p) => s + (p.windows - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 1000;
};
const second = samples.filter((x) => x.windows >= WINDOWS / 2);
console.log(
  `soak: ${fmtInt(m.reportsWritten)} windows of 60 s (${fmtInt(produced)} records, ${((eventMs - T0) / 3_600_000).toFixed(0)} h of event time) in ${samples.at(-1).s.toFixed(0)} s; monitor.reports holds ${m.reports.length}`,
);
console.log(
  table(
    ["at", "windows", "RSS MB", "live heap MB"],
    [0.1, 0.5, 1].map((f) => {
      const x = at(f);
      return [`${f * 100} %`, fmtInt(x.windows), mb(x.rss), mb(x.heap)];
    }),
  ),
);
console.log(`growth over the second half: RSS ${mb(slope(second, "rss"))} MB, live heap ${mb(slope(second, "heap"))} MB per 1,000 windows`);

await admin.deleteTopics({ topics: [topic, `${topic}-dlq`] }).catch(() => {});
await admin.disconnect();
await rm(reports, { recursive: true, force: true });
await local?.stop();
