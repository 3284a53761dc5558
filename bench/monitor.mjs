// Throughput of `dqstream monitor` end to end against a real broker (Apache Kafka from its jars,
// scripts/kafka-local.mjs): capture records produced to a 3-partition topic first, then one monitor
// consumes them all (parse, window, sketch, check, report, commit), with alerts to a webhook on a
// local HTTP server. Prints records/s, window close latency, alert delivery latency (webhook
// received − window.json written) and peak RSS; asserts nothing.
//   npm run bench:monitor                       200,000 records, 5,000 per 10-minute window
//   BENCH_RECORDS=500000 npm run bench:monitor
//   KAFKA_BROKERS=127.0.0.1:9092 npm run bench:monitor   (your broker; topics are created)
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { startLocalKafka } from "../scripts/kafka-local.mjs";
import { MonitorConfigSchema } from "../dist/config/monitorSchema.js";
import { startMonitor } from "../dist/engine/runMonitor.js";
import { silentLogger } from "../dist/telemetry/logger.js";

const ROOT = resolve(import.meta.dirname, "..");
const N = Number(process.env.BENCH_RECORDS ?? 200_000);
const PER_WINDOW = Number(process.env.BENCH_PER_WINDOW ?? 5_000);
const WINDOW_MS = 600_000;
const T0 = Date.UTC(2026, 10, 1);

const local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka({ log: (m) => console.log(`[kafka] ${m}`) });
const brokers = process.env.KAFKA_BROKERS?.split(",") ?? local.brokers;
const kafka = new Kafka({ clientId: "dqstream-bench", brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topic = `dq-bench-${Date.now().toString(36)}`;
await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });

// The golden capture (13 features, CSV payloads), re-timed: PER_WINDOW records per window, in order.
const template = (await readFile(join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl"), "utf8"))
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
let bytes = 0;
const produceStart = performance.now();
for (let i = 0; i < N; i += 3000) {
  const messages = [];
  for (let j = i; j < Math.min(N, i + 3000); j++) {
    const r = structuredClone(template[j % template.length]);
    r.eventMetadata.inferenceTime = new Date(T0 + Math.floor((j * WINDOW_MS) / PER_WINDOW)).toISOString().replace(/\.\d{3}Z$/, "Z");
    const value = JSON.stringify(r);
    bytes += value.length;
    messages.push({ partition: j % 3, value });
  }
  await producer.send({ topic, acks: -1, messages });
}
await producer.disconnect();
console.log(`produced ${N.toLocaleString("en")} records (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - produceStart) / 1000).toFixed(1)} s`);

// The webhook: each alert's arrival time, by report folder.
const arrivals = [];
const hook = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    arrivals.push({ at: Date.now(), event: JSON.parse(body) });
    res.end("ok");
  });
});
await new Promise((r) => hook.listen(0, "127.0.0.1", r));

const reports = await mkdtemp(join(tmpdir(), "dq-bench-monitor-"));
const config = MonitorConfigSchema.parse({
  baseline: {
    statistics: join(ROOT, "test/golden/baseline/csv-header/statistics.json"),
    constraints: join(ROOT, "test/golden/baseline/csv-header/constraints.json"),
  },
  reports_dir: reports,
  endpoint: "bench",
  schedule: "ten-minutes",
  window_seconds: WINDOW_MS / 1000,
  // the monitor checks its topics at start (docs/deployment.md): let it create the dead-letter topic
  kafka: { brokers, topics: [topic], group_id: `${topic}-group`, dead_letter_topic: `${topic}-dlq`, create_dead_letter_topic: true },
  http: { host: "127.0.0.1", port: 0 },
  idle_close_seconds: 3600,
  alerts: { channels: { log: false, webhooks: [{ url: `http://127.0.0.1:${hook.address().port}/alerts` }] } },
});
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const m = await startMonitor(config, silentLogger(), { tickMs: 200, maxWaitTimeInMs: 200 });
const consumed = async () =>
  ((await m.metrics.registry.getSingleMetric("dqstream_records_consumed_total")?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
let peakRss = rssBefore;
let firstAt;
for (;;) {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const n = await consumed();
  if (n > 0) firstAt ??= { t: performance.now(), n };
  if (n >= N) break;
  await new Promise((r) => setTimeout(r, 50));
}
const seconds = (performance.now() - started) / 1000;
const steady = (performance.now() - firstAt.t) / 1000;
const latency = (await m.metrics.registry.getSingleMetric("dqstream_window_close_latency_seconds")?.get())?.values ?? [];
const sum = latency.find((v) => v.metricName?.endsWith("_sum"))?.value ?? Number.NaN;
const count = latency.find((v) => v.metricName?.endsWith("_count"))?.value ?? Number.NaN;
await m.stop();
const delays = [];
for (const a of arrivals) {
  const written = (await stat(join(reports, a.event.report_folder, "window.json"))).mtimeMs;
  delays.push(a.at - written);
}
delays.sort((a, b) => a - b);
const pct = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]?.toFixed(0);
console.log(
  `alerts: ${arrivals.length} delivered to the webhook; window.json written → webhook received: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${delays.at(-1)?.toFixed(0)} ms`,
);
console.log(
  `monitor: ${N.toLocaleString("en")} records in ${seconds.toFixed(1)} s from start (group join included) = ${Math.round(N / seconds).toLocaleString("en")} records/s; after the first batch ${Math.round((N - firstAt.n) / steady).toLocaleString("en")} records/s`,
);
console.log(
  `windows closed: ${m.reports.length} (the last stays open: no later record); mean window close latency ${((sum / count) * 1000).toFixed(1)} ms (checks + 4 report files + parts)`,
);
console.log(`peak RSS ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1e6).toFixed(0)} MB (the process also held the produced batches earlier)`);

await admin.deleteTopics({ topics: [topic] }).catch(() => {});
await admin.disconnect();
await rm(reports, { recursive: true, force: true });
hook.close();
await local?.stop();
