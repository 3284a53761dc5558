// `npm run bench:replay`: `dqstream replay` end to end at 20, 100 and 500 features, each beside the
// parse-only floor of the same capture file, in the same run (issue 12, "Performance at real widths").
//
// Per width F (features, counting the model output `label`):
//   1. a seeded training CSV (bench/widthData.mjs) and its baseline, made with the built CLI
//      (`node dist/cli/main.js baseline --format csv --header`);
//   2. a seeded SageMaker capture file (text/csv envelope) whose inference times put ~5,000 records
//      in each window;
//   3. BENCH_RUNS times, alternately: the parse-only floor (bench/captureParseOnlyChild.mjs) and
//      `node dist/cli/main.js replay …` in its own child (peak RSS from bench/rssOnExit.mjs,
//      preloaded with --import). Medians are reported.
//
// Environment:
//   BENCH_WIDTHS        comma-separated widths (default 20,100,500)
//   BENCH_N_20, BENCH_N_100, BENCH_N_500, BENCH_N_<F>   capture records per width
//                       (defaults 200000, 100000, 20000; other widths 20000)
//   BENCH_N             capture records for every width (overrides the per-width defaults)
//   BENCH_TRAIN_ROWS    training rows (default 5000)
//   BENCH_WINDOW_SECONDS  replay window (default 3600)
//   BENCH_PER_WINDOW    records per window, sets the inference-time spacing (default 5000)
//   BENCH_RUNS          runs of each pass (default 3)
//   BENCH_SEED          PRNG seed (default 20240601; the capture uses seed + 1)
//
// Timing: the replay is timed in the parent around the whole child (node start-up, module loading,
// reading the baseline, writing every window's reports); the floor is timed inside its child
// around the work only. Both therefore favour the floor slightly.

import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { envInt, envWidths, fmtInt, lastJson, machineInfo, median, runNode as run, table } from "./lib.mjs";
import { ensureCapture, makeBaseline, WIDTH_DIR } from "./widthData.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const CLI = join(ROOT, "dist", "cli", "main.js");
const TARGET_RATIO = 0.5;
const DEFAULT_N = { 20: 200_000, 100: 100_000, 500: 20_000 };

const WIDTHS = envWidths("BENCH_WIDTHS", "20,100,500");
const RUNS = envInt("BENCH_RUNS", 3);
const SEED = envInt("BENCH_SEED", 20240601);
const TRAIN_ROWS = envInt("BENCH_TRAIN_ROWS", 5000);
const WINDOW_SECONDS = envInt("BENCH_WINDOW_SECONDS", 3600);
const PER_WINDOW = envInt("BENCH_PER_WINDOW", 5000);
const SPACING_MS = (WINDOW_SECONDS * 1000) / PER_WINDOW;
const recordsFor = (f) => envInt(`BENCH_N_${f}`, envInt("BENCH_N", DEFAULT_N[f] ?? 20_000));

const log = (msg) => process.stderr.write(`[bench:replay] ${msg}\n`);
const mb = (kib) => (kib * 1024) / 1e6;

const loadBefore = os.loadavg()[0];
const rows = [];
for (const F of WIDTHS) {
  const N = recordsFor(F);
  const capture = ensureCapture(F, N, SPACING_MS, SEED + 1, log);
  const baselineDir = await makeBaseline(F, TRAIN_ROWS, SEED, join(WIDTH_DIR, `baseline-f${F}-r${TRAIN_ROWS}-s${SEED}`), log);
  const reportsDir = join(WIDTH_DIR, `reports-f${F}`);
  const rssFile = join(WIDTH_DIR, `replay-rss-f${F}.json`);

  const parse = [];
  const sketch = [];
  const replay = [];
  for (let r = 1; r <= RUNS; r++) {
    log(`F=${F} run ${r}/${RUNS}: parse-only floor over ${fmtInt(N)} records …`);
    const p = lastJson((await run([join(HERE, "captureParseOnlyChild.mjs"), capture.file])).stdout);
    if (p.records !== N || p.fields !== N * F) throw new Error(`parse-only read ${p.records} records / ${p.fields} fields, expected ${N} / ${N * F}`);
    parse.push(p);
    log(`  ${p.seconds.toFixed(2)} s, ${fmtInt(p.records / p.seconds)} rec/s, peak RSS ${mb(p.maxRssKiB).toFixed(1)} MB`);

    log(`F=${F} run ${r}/${RUNS}: sketch floor (parse + FeatureProfile updates) …`);
    const k = lastJson((await run([join(HERE, "sketchFloorChild.mjs"), capture.file, String(WINDOW_SECONDS)])).stdout);
    if (k.records !== N || k.fields !== N * F) throw new Error(`sketch floor read ${k.records} records / ${k.fields} fields, expected ${N} / ${N * F}`);
    sketch.push(k);
    log(`  ${k.seconds.toFixed(2)} s, ${fmtInt(k.records / k.seconds)} rec/s, ${k.windows} windows`);

    log(`F=${F} run ${r}/${RUNS}: dqstream replay …`);
    rmSync(reportsDir, { recursive: true, force: true });
    rmSync(rssFile, { force: true });
    const res = await run(
      [
        "--import",
        join(HERE, "rssOnExit.mjs"),
        CLI,
        "replay",
        "--statistics",
        join(baselineDir, "statistics.json"),
        "--constraints",
        join(baselineDir, "constraints.json"),
        "--reports",
        reportsDir,
        "--window-seconds",
        String(WINDOW_SECONDS),
        "--log-level",
        "warn",
        capture.file,
      ],
      { BENCH_RSS_FILE: rssFile },
    );
    const m = /records: ([\d,]+) counted \(([\d,]+) rows\), ([\d,]+) skipped, ([\d,]+) late, ([\d,]+) malformed/.exec(res.stdout);
    const windows = /([\d,]+) windows? of/.exec(res.stdout);
    const num = (s) => Number(s.replaceAll(",", ""));
    if (m === null || num(m[1]) !== N || num(m[3]) + num(m[4]) + num(m[5]) !== 0)
      throw new Error(`replay did not count ${N} clean records:\n${res.stdout}\n${res.stderr}`);
    const rss = JSON.parse(readFileSync(rssFile, "utf8"));
    replay.push({ seconds: res.seconds, maxRssKiB: rss.maxRssKiB, windows: windows ? num(windows[1]) : NaN });
    log(`  ${res.seconds.toFixed(2)} s, ${fmtInt(N / res.seconds)} rec/s, peak RSS ${mb(rss.maxRssKiB).toFixed(1)} MB, ${windows?.[1]} windows`);
  }
  const replaySeconds = median(replay.map((x) => x.seconds));
  const parseSeconds = median(parse.map((x) => x.seconds));
  const sketchSeconds = median(sketch.map((x) => x.seconds));
  const replayRate = N / replaySeconds;
  const floorRate = N / parseSeconds;
  const sketchRate = N / sketchSeconds;
  rows.push({
    features: F,
    records: N,
    windows: replay[0].windows,
    captureBytes: capture.bytes,
    replaySeconds,
    replayRecPerSec: replayRate,
    floorSeconds: parseSeconds,
    floorRecPerSec: floorRate,
    ratio: replayRate / floorRate,
    sketchFloorRecPerSec: sketchRate,
    sketchFloorRatio: sketchRate / floorRate,
    replayPeakRssMB: mb(Math.max(...replay.map((x) => x.maxRssKiB))),
    floorPeakRssMB: mb(Math.max(...parse.map((x) => x.maxRssKiB))),
    replaySecondsAll: replay.map((x) => Number(x.seconds.toFixed(3))),
    floorSecondsAll: parse.map((x) => Number(x.seconds.toFixed(3))),
    sketchFloorSecondsAll: sketch.map((x) => Number(x.seconds.toFixed(3))),
  });
}
const loadAfter = os.loadavg()[0];

const machine = machineInfo(loadBefore, loadAfter);

console.log(
  `\ndqstream replay at real widths — window ${WINDOW_SECONDS} s (~${fmtInt(PER_WINDOW)} records each), baseline from ${fmtInt(TRAIN_ROWS)} training rows, median of ${RUNS} run(s)`,
);
console.log(`machine: node ${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.memGiB} GiB, ${machine.platform}`);
console.log(`load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} (above ~1 means something else competed for the 2nd core)`);
console.log(`data: ${WIDTH_DIR}\n`);
console.log(
  table(
    [
      "features",
      "records",
      "dqstream s",
      "rec/s",
      "floor rec/s",
      "ratio",
      "sketch floor rec/s",
      "sketch floor ÷ floor",
      "peak RSS MB",
      `target ≥ ${TARGET_RATIO}`,
    ],
    rows.map((r) => [
      String(r.features),
      fmtInt(r.records),
      r.replaySeconds.toFixed(2),
      fmtInt(r.replayRecPerSec),
      fmtInt(r.floorRecPerSec),
      r.ratio.toFixed(3),
      fmtInt(r.sketchFloorRecPerSec),
      r.sketchFloorRatio.toFixed(3),
      r.replayPeakRssMB.toFixed(1),
      r.ratio >= TARGET_RATIO ? "MET" : "NOT MET",
    ]),
  ),
);
console.log(
  "\ndqstream s: wall time of `node dist/cli/main.js replay` (start-up included); floor: JSON.parse + split + Number() per record, timed inside its child; sketch floor: the floor plus every value into its column's FeatureProfile (bench/sketchFloorChild.mjs), the per-value work the statistics need with no engine, close or reports — what one thread can at best approach; peak RSS: the replay child's maxRSS, worst of the runs.\n",
);
console.log(
  JSON.stringify({
    bench: "replay-width",
    runs: RUNS,
    windowSeconds: WINDOW_SECONDS,
    recordsPerWindow: PER_WINDOW,
    trainRows: TRAIN_ROWS,
    seed: SEED,
    widths: rows.map((r) => ({
      features: r.features,
      records: r.records,
      windows: r.windows,
      captureBytes: r.captureBytes,
      replaySeconds: Number(r.replaySeconds.toFixed(3)),
      replayRecPerSec: Math.round(r.replayRecPerSec),
      floorRecPerSec: Math.round(r.floorRecPerSec),
      ratio: Number(r.ratio.toFixed(4)),
      sketchFloorRecPerSec: Math.round(r.sketchFloorRecPerSec),
      sketchFloorRatio: Number(r.sketchFloorRatio.toFixed(4)),
      replayPeakRssMB: Number(r.replayPeakRssMB.toFixed(1)),
      floorPeakRssMB: Number(r.floorPeakRssMB.toFixed(1)),
      replaySecondsAll: r.replaySecondsAll,
      floorSecondsAll: r.floorSecondsAll,
      sketchFloorSecondsAll: r.sketchFloorSecondsAll,
      targetMet: r.ratio >= TARGET_RATIO,
    })),
    target: { ratio: TARGET_RATIO },
    machine,
  }),
);
