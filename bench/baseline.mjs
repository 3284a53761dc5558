// `npm run bench:baseline`: throughput and peak memory of `dqstream baseline` on a synthetic CSV,
// against a parse-only pass over the same file (same reader and CSV parser, Number() on every
// field, no sketches).
//
// Environment:
//   BENCH_ROWS  rows in the generated CSV (default 1000000)
//   BENCH_RUNS  runs of each pass; the median is reported (default 3)
//   BENCH_SEED  PRNG seed of the generator (default 20240601)
//   BENCH_PROFILE=1  afterwards, run the baseline child once more under `node --cpu-prof` and
//               print its top functions by self time (bench/cpuprofTop.mjs); profile in bench/out/prof/
//
// Each pass runs in its own child process (bench/baselineChild.mjs, bench/parseOnlyChild.mjs), so
// its peak RSS (process.resourceUsage().maxRSS) is its own. The generated CSV is cached in
// bench/out/ and reused while rows, seed and generator version are unchanged.

import { rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDataset, OUT_DIR } from "./dataset.mjs";
import { envInt, fmtInt, lastJson, machineInfo, median, runNode, table } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 300;

const ROWS = envInt("BENCH_ROWS", 1_000_000);
const RUNS = envInt("BENCH_RUNS", 3);
const SEED = envInt("BENCH_SEED", 20240601);

const log = (msg) => process.stderr.write(`[bench:baseline] ${msg}\n`);

/** Runs `node [nodeFlags] script args…` and resolves with the JSON line it printed. */
async function runChild(script, args, nodeFlags = []) {
  const { stdout, stderr } = await runNode([...nodeFlags, join(HERE, script), ...args]);
  try {
    return lastJson(stdout);
  } catch {
    throw new Error(`${script} printed no JSON result:\n${stdout}\n${stderr}`);
  }
}

const mb = (kib) => (kib * 1024) / 1e6;

const { file, bytes } = ensureDataset(ROWS, SEED, log);
const outputDir = join(OUT_DIR, `baseline-output-r${ROWS}`);

const loadBefore = os.loadavg()[0];
const results = { baseline: [], parse: [] };
for (let run = 1; run <= RUNS; run++) {
  // Alternate the passes so drift (page cache, thermal, other load) hits both alike.
  log(`run ${run}/${RUNS}: parse-only …`);
  const p = await runChild("parseOnlyChild.mjs", [file]);
  if (p.rows !== ROWS || p.malformed !== 0) throw new Error(`parse-only read ${p.rows} rows (${p.malformed} malformed), expected ${ROWS}`);
  results.parse.push(p);
  log(`  ${p.seconds.toFixed(2)} s, ${fmtInt(p.rows / p.seconds)} rows/s, max RSS ${mb(p.maxRssKiB).toFixed(1)} MB`);
  log(`run ${run}/${RUNS}: baseline …`);
  rmSync(outputDir, { recursive: true, force: true });
  const b = await runChild("baselineChild.mjs", [file, outputDir]);
  if (b.rows !== ROWS || b.skipped !== 0 || b.features !== 20)
    throw new Error(`baseline profiled ${b.rows} rows, ${b.features} features (${b.skipped} skipped), expected ${ROWS} rows, 20 features`);
  results.baseline.push(b);
  log(`  ${b.seconds.toFixed(2)} s, ${fmtInt(b.rows / b.seconds)} rows/s, max RSS ${mb(b.maxRssKiB).toFixed(1)} MB`);
}

const loadAfter = os.loadavg()[0];

if (process.env.BENCH_PROFILE === "1") {
  const profDir = join(OUT_DIR, "prof");
  const name = `baseline-r${ROWS}.cpuprofile`;
  log(`profiling the baseline child (node --cpu-prof) into ${join(profDir, name)} …`);
  rmSync(outputDir, { recursive: true, force: true });
  await runChild("baselineChild.mjs", [file, outputDir], ["--cpu-prof", `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}`]);
  process.stdout.write((await runNode([join(HERE, "cpuprofTop.mjs"), join(profDir, name), "25"])).stdout);
}

const summarize = (rs) => {
  const seconds = median(rs.map((r) => r.seconds));
  return {
    seconds,
    rowsPerSec: ROWS / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    maxRssMB: mb(median(rs.map((r) => r.maxRssKiB))),
    maxRssMBWorst: mb(Math.max(...rs.map((r) => r.maxRssKiB))),
    secondsAll: rs.map((r) => Number(r.seconds.toFixed(3))),
  };
};
const base = summarize(results.baseline);
const parse = summarize(results.parse);
const ratio = base.rowsPerSec / parse.rowsPerSec;
const machine = machineInfo(loadBefore, loadAfter);

console.log(`\ndqstream baseline benchmark — ${fmtInt(ROWS)} rows × 20 columns, ${(bytes / 1e6).toFixed(1)} MB CSV, median of ${RUNS} run(s)`);
console.log(`machine: node ${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.memGiB} GiB, ${machine.platform}`);
console.log(`load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} (above ~1 means something else competed for the 2nd core)`);
console.log(`file: ${file}\n`);
console.log(
  table(
    ["pass", "median s", "rows/s", "MB/s", "peak RSS MB (median)", "peak RSS MB (max)", "runs (s)"],
    [
      [
        "parse-only (CsvParser + Number())",
        parse.seconds.toFixed(2),
        fmtInt(parse.rowsPerSec),
        parse.mbPerSec.toFixed(1),
        parse.maxRssMB.toFixed(1),
        parse.maxRssMBWorst.toFixed(1),
        parse.secondsAll.join(", "),
      ],
      [
        "baseline (runBaseline)",
        base.seconds.toFixed(2),
        fmtInt(base.rowsPerSec),
        base.mbPerSec.toFixed(1),
        base.maxRssMB.toFixed(1),
        base.maxRssMBWorst.toFixed(1),
        base.secondsAll.join(", "),
      ],
    ],
  ),
);
const ratioOk = ratio >= TARGET_RATIO;
const rssOk = base.maxRssMBWorst <= TARGET_RSS_MB;
console.log(`\nbaseline / parse-only throughput: ${ratio.toFixed(3)}  (target ≥ ${TARGET_RATIO}: ${ratioOk ? "MET" : "NOT MET"})`);
console.log(`baseline peak RSS: ${base.maxRssMBWorst.toFixed(1)} MB  (target ≤ ${TARGET_RSS_MB} MB: ${rssOk ? "MET" : "NOT MET"})\n`);

console.log(
  JSON.stringify({
    bench: "baseline",
    rows: ROWS,
    columns: 20,
    fileBytes: bytes,
    runs: RUNS,
    baselineRowsPerSec: Math.round(base.rowsPerSec),
    parseOnlyRowsPerSec: Math.round(parse.rowsPerSec),
    ratio: Number(ratio.toFixed(4)),
    baselineSeconds: Number(base.seconds.toFixed(3)),
    parseOnlySeconds: Number(parse.seconds.toFixed(3)),
    baselinePeakRssMB: Number(base.maxRssMB.toFixed(1)),
    baselinePeakRssMBMax: Number(base.maxRssMBWorst.toFixed(1)),
    parseOnlyPeakRssMB: Number(parse.maxRssMB.toFixed(1)),
    parseOnlyPeakRssMBMax: Number(parse.maxRssMBWorst.toFixed(1)),
    targets: { ratio: TARGET_RATIO, ratioMet: ratioOk, rssMB: TARGET_RSS_MB, rssMet: rssOk },
    machine,
  }),
);
