// Throughput of the CloudWatch sink against a local moto (not AWS): datums per second through
// the publisher (validation, batching, the SDK's JSON 1.0 + gzip, HTTP, moto), and the cost of
// building datums and EMF lines per window. Prints numbers; asserts nothing.
//   npm run bench:cloudwatch            (starts moto from the cached venv, see scripts/moto-local.mjs)
//   DQSTREAM_TEST_MOTO_URL=http://127.0.0.1:5000 npm run bench:cloudwatch
import { performance } from "node:perf_hooks";
import { startLocalMoto } from "../scripts/moto-local.mjs";
import { createPutMetricDataApi } from "../dist/sinks/cloudwatch/cloudWatchClient.js";
import { emfEvents } from "../dist/sinks/cloudwatch/emf.js";
import { CloudWatchPublisher } from "../dist/sinks/cloudwatch/publisher.js";
import { CloudWatchSinkMetrics } from "../dist/sinks/cloudwatch/sinkMetrics.js";
import { silentLogger } from "../dist/telemetry/logger.js";

Object.assign(process.env, { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1" });
const started = performance.now();
const moto = process.env.DQSTREAM_TEST_MOTO_URL ? undefined : await startLocalMoto();
const url = process.env.DQSTREAM_TEST_MOTO_URL ?? moto.url;
if (moto) console.log(`moto start (cached venv): ${((performance.now() - started) / 1000).toFixed(2)} s`);

const now = Date.now();
const dims = [
  { name: "Endpoint", value: "bench" },
  { name: "MonitoringSchedule", value: "hourly" },
];
/** One window of `features` features: 3 datums each (feature_data_ as a statistic set). */
function windowDatums(w, features) {
  const ts = now - 3_600_000 + w * 1000;
  return Array.from({ length: features }, (_, f) => [
    {
      namespace: "bench",
      name: `feature_data_f${f}`,
      dimensions: dims,
      timestampMs: ts,
      unit: "None",
      stats: { sampleCount: 1000, sum: 5000.5, min: 0.1, max: 99.9 },
    },
    { namespace: "bench", name: `feature_non_null_f${f}`, dimensions: dims, timestampMs: ts, unit: "None", value: 0.99 },
    { namespace: "bench", name: `feature_baseline_drift_f${f}`, dimensions: dims, timestampMs: ts, unit: "None", value: 0.0123 },
  ]).flat();
}

for (const [windows, features] of [
  [10, 100],
  [20, 500],
]) {
  const metrics = new CloudWatchSinkMetrics();
  const api = await createPutMetricDataApi({ endpointUrl: url, region: "us-east-1", requestTimeoutMs: 30_000 });
  const p = new CloudWatchPublisher({
    api,
    metrics,
    log: silentLogger(),
    retry: { max_attempts: 3, backoff_initial_ms: 100, backoff_max_ms: 1000 },
    requestTimeoutMs: 30_000,
    queueMaxDatums: 10_000_000,
    closeTimeoutMs: 60_000,
  });
  const t0 = performance.now();
  for (let w = 0; w < windows; w++) p.enqueue(windowDatums(w, features));
  const enqueueMs = performance.now() - t0;
  await p.flush();
  const s = (performance.now() - t0) / 1000;
  const n = windows * features * 3;
  console.log(
    `PutMetricData to moto: ${n} datums (${windows} windows × ${features} features × 3) in ${s.toFixed(2)} s = ${Math.round(n / s)} datums/s; enqueue ${enqueueMs.toFixed(1)} ms; sent ${metrics.sentTotal}, dropped ${metrics.droppedSum}`,
  );
  api.destroy();
}

{
  const ds = windowDatums(0, 1000);
  const t0 = performance.now();
  let lines = 0;
  for (let i = 0; i < 20; i++) lines = emfEvents(ds).length;
  console.log(`EMF: ${ds.length} datums → ${lines} events in ${((performance.now() - t0) / 20).toFixed(1)} ms per window`);
}
await moto?.close();
