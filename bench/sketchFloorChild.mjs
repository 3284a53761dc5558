// Child process of bench/replayWidth.mjs: the sketch floor of a capture file — the parse floor
// (bench/captureParseOnlyChild.mjs) plus the per-value work SageMaker's statistics need, and
// nothing else: every value (the label first, as the baseline's START layout orders it) goes into
// one FeatureProfile per column (src/profiles/FeatureProfile.ts: Deequ's type rules, exact sum
// and moments, KLL, HyperLogLog++ and exact counts of the text), fresh profiles for each
// window of BENCH_WINDOW_SECONDS by inferenceTime. No engine, no window close, no checks, no
// reports: what a replay can at best approach on one thread. Prints one JSON line like the floor.
// Usage: node bench/sketchFloorChild.mjs <capture.jsonl> <windowSeconds>
import { FeatureProfile } from "../dist/profiles/FeatureProfile.js";
import { forEachLine } from "./captureParse.mjs";

const [file, windowSecondsText] = process.argv.slice(2);
const windowMs = Number(windowSecondsText) * 1000;
if (file === undefined || !(windowMs > 0)) {
  process.stderr.write("usage: node bench/sketchFloorChild.mjs <capture.jsonl> <windowSeconds>\n");
  process.exit(2);
}
const started = performance.now();
let records = 0;
let fields = 0;
let windows = 0;
let window = Number.NaN;
let columns = [];
const handle = (line) => {
  if (line.length === 0) return;
  const r = JSON.parse(line);
  const cd = r.captureData;
  const w = Math.floor(Date.parse(r.eventMetadata.inferenceTime) / windowMs);
  const parts = cd.endpointInput.data.split(",");
  if (w !== window || columns.length !== parts.length + 1) {
    window = w;
    windows++;
    columns = Array.from({ length: parts.length + 1 }, (_, i) => new FeatureProfile(i === 0 ? "label" : `f${i}`));
  }
  columns[0].updateString(cd.endpointOutput.data);
  for (let i = 0; i < parts.length; i++) columns[i + 1].updateString(parts[i]);
  records++;
  fields += parts.length + 1;
};
const bytes = await forEachLine(file, handle);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ pass: "sketch-floor", records, fields, windows, bytes, seconds, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
