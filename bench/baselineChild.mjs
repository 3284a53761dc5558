// Child process of bench/baseline.mjs: runs the real `dqstream baseline` code path on one CSV file
// and prints one JSON line {rows, features, seconds, maxRssKiB, ...} to stdout, so its peak RSS is
// measured alone. Usage: node bench/baselineChild.mjs <dataset.csv> <output-dir>
import { runBaseline } from "../dist/cli/baselineCommand.js";

const [dataset, output] = process.argv.slice(2);
if (dataset === undefined || output === undefined) {
  process.stderr.write("usage: node bench/baselineChild.mjs <dataset.csv> <output-dir>\n");
  process.exit(2);
}
const started = performance.now();
const summary = await runBaseline({
  dataset,
  format: "csv",
  header: true,
  outputColumnsPosition: "START",
  output,
  categoryCap: 1000,
});
const seconds = (performance.now() - started) / 1000;
const mem = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    pass: "baseline",
    rows: summary.rows,
    features: summary.features,
    skipped: summary.skipped,
    bytes: summary.bytes,
    seconds,
    maxRssKiB: process.resourceUsage().maxRSS,
    endHeapUsedBytes: mem.heapUsed,
    endRssBytes: mem.rss,
  })}\n`,
);
