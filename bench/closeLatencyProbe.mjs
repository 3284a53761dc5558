// Preloaded into the `dqstream monitor` child by bench/monitor.mjs (node --import), beside
// bench/rssOnExit.mjs: records every value the monitor observes into its
// dqstream_window_close_latency_seconds histogram (src/telemetry/metrics.ts: from the batch that
// made a window closable to its checks evaluated, report files written and report sinks handed the
// report), and on exit writes them, in order, as {closeSeconds: [...]} to the file named by
// BENCH_CLOSE_FILE. The histogram's buckets (…, 0.1, 0.25, 0.5, 1, … s) are too coarse for a p50
// or p99; the exact values are the same measurement, taken where the monitor takes it. The CLI is
// not changed: prom-client's Histogram sets `this.observe = this.observeWithoutExemplar` in its
// constructor, so patching the prototype before the monitor builds its metrics is enough.
import { writeFileSync } from "node:fs";
import promClient from "prom-client";

const NAME = "dqstream_window_close_latency_seconds";
const target = process.env.BENCH_CLOSE_FILE;
if (target) {
  const values = [];
  const proto = promClient.Histogram.prototype;
  const original = proto.observeWithoutExemplar;
  proto.observeWithoutExemplar = function observe(labels, value) {
    if (this.name === NAME) {
      const v = typeof labels === "number" ? labels : value;
      if (typeof v === "number") values.push(v);
    }
    return original.call(this, labels, value);
  };
  process.on("exit", () => {
    writeFileSync(target, JSON.stringify({ metric: NAME, closeSeconds: values }));
  });
}
