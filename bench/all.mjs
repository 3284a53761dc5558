// `npm run bench`: the issue-12 benchmarks in series — bench/baseline.mjs, bench/replayWidth.mjs and
// bench/monitor.mjs, each a child process with its default settings — then ONE Markdown table of
// every row beside its floor and targets, headed by the machine line, printed and written to
// bench/out/bench-<UTC date and time>.md (…-quick.md for a smoke run).
//
// The npm script builds once, then this runs the three scripts with node directly (the node flags
// of their own npm scripts: --expose-gc for baseline and replay), so all three measure the same
// build. Each child's progress and its own report (table and JSON line) go to standard error as it
// runs, and its report also to bench/out/bench-<stamp>-<name>.txt; the last line it prints must be
// its JSON result. Standard output holds only the combined table (and one JSON line of everything).
//
// Environment:
//   BENCH_QUICK=1   small sizes, one run each (a smoke run of the whole chain, under a minute here;
//                   its numbers are noise): baseline 20,000 rows; replay 10,000 / 5,000 / 2,000
//                   records at 20 / 100 / 500 features; monitor 20,000 / 10,000 at 20 / 500.
//                   A variable you set yourself still wins.
//   BENCH_ONLY      comma-separated subset of baseline,replay,monitor (default all three)
//   Anything else (BENCH_RUNS, BENCH_SEED, KAFKA_BROKERS, …) is passed on to every child.
//
// Targets are the ones each benchmark reports (its JSON line says met or not); the table repeats
// them: baseline ratio ≥ 0.5 and peak RSS ≤ 300 MB; replay ratio ≥ 0.5; monitor ratio ≥ 0.5 (20
// features) / ≥ 0.3 (500), close p99 ≤ 250 ms / ≤ 1 s, peak RSS ≤ 300 / 500 MB.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { OUT_DIR } from "./dataset.mjs";
import { fmtInt, machineInfo, table } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const QUICK = process.env.BENCH_QUICK === "1";

const BENCHES = [
  {
    name: "baseline",
    script: "baseline.mjs",
    nodeFlags: ["--expose-gc"],
    quick: { BENCH_ROWS: "20000", BENCH_RUNS: "1" },
  },
  {
    name: "replay",
    script: "replayWidth.mjs",
    nodeFlags: ["--expose-gc"],
    quick: { BENCH_N_20: "10000", BENCH_N_100: "5000", BENCH_N_500: "2000", BENCH_RUNS: "1" },
  },
  {
    name: "monitor",
    script: "monitor.mjs",
    nodeFlags: [],
    quick: { BENCH_RECORDS_20: "20000", BENCH_RECORDS_500: "10000", BENCH_RUNS: "1" },
  },
];
const ONLY = (process.env.BENCH_ONLY || BENCHES.map((b) => b.name).join(",")).split(",").map((s) => s.trim());
for (const o of ONLY) if (!BENCHES.some((b) => b.name === o)) throw new Error(`BENCH_ONLY: unknown benchmark "${o}" (baseline, replay, monitor)`);

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** The benchmark running now; an interrupt is passed on to it (it cleans up its broker and files), then this exits. */
let current;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`${sig}: stopping the running benchmark`);
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) process.exit(130);
    current.once("close", () => process.exit(130));
    current.kill(sig);
  });
}

/** Runs one benchmark script; its stdout is echoed to stderr and kept, its stderr passed through. Resolves with its last JSON line. */
function runBench(b) {
  const env = { ...process.env };
  if (QUICK) for (const [k, v] of Object.entries(b.quick)) env[k] ??= v;
  delete env.BENCH_QUICK;
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [...b.nodeFlags, join(HERE, b.script)], { stdio: ["ignore", "pipe", "inherit"], env, cwd: ROOT });
    current = child;
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - t) / 1000;
      if (code !== 0) {
        reject(new Error(`bench/${b.script} exited with ${code ?? signal} after ${seconds.toFixed(0)} s`));
        return;
      }
      try {
        resolve({ result: JSON.parse(out.trim().split("\n").pop()), seconds, out });
      } catch {
        reject(new Error(`bench/${b.script} printed no JSON line at the end`));
      }
    });
  });
}

const git = (...args) => {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
};

const startedAt = new Date();
const loadBefore = os.loadavg()[0];
const results = {};
const failures = [];
for (const b of BENCHES.filter((x) => ONLY.includes(x.name))) {
  log(`${b.name}: node ${[...b.nodeFlags, `bench/${b.script}`].join(" ")}${QUICK ? " (BENCH_QUICK sizes)" : ""} …`);
  try {
    results[b.name] = await runBench(b);
    log(`${b.name}: done in ${results[b.name].seconds.toFixed(0)} s`);
  } catch (e) {
    failures.push({ name: b.name, message: e.message });
    log(`${b.name}: FAILED: ${e.message}`);
  }
}
const loadAfter = os.loadavg()[0];
const machine = machineInfo(loadBefore, loadAfter);

// ---------------------------------------------------------------------------------------------
// The combined table

const met = (ok, text) => (ok === undefined ? "–" : `${text}: ${ok ? "MET" : "NOT MET"}`);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const rows = [];

const baseline = results.baseline?.result;
if (baseline !== undefined) {
  rows.push([
    "baseline",
    String(baseline.columns),
    `${fmtInt(baseline.rows)} rows`,
    `${fmtInt(baseline.baselineRowsPerSec)} rows/s`,
    `${fmtInt(baseline.parseOnlyRowsPerSec)} rows/s`,
    baseline.ratio.toFixed(3),
    met(baseline.targets.ratioMet, `≥ ${baseline.targets.ratio}`),
    "–",
    "–",
    "–",
    "–",
    "–",
    f1(baseline.baselinePeakRssMBMax),
    met(baseline.targets.rssMet, `≤ ${baseline.targets.rssMB} MB`),
  ]);
}
const replay = results.replay?.result;
for (const w of replay?.widths ?? []) {
  rows.push([
    "replay",
    String(w.features),
    `${fmtInt(w.records)} records`,
    `${fmtInt(w.replayRecPerSec)} rec/s`,
    `${fmtInt(w.floorRecPerSec)} rec/s`,
    w.ratio.toFixed(3),
    met(w.targetMet, `≥ ${replay.target.ratio}`),
    "–",
    "–",
    "–",
    "–",
    "–",
    f1(w.replayPeakRssMB),
    "–",
  ]);
}
const monitor = results.monitor?.result;
for (const w of monitor?.widths ?? []) {
  rows.push([
    "monitor",
    String(w.features),
    `${fmtInt(w.records)} records`,
    `${fmtInt(w.monitorRecPerSec)} rec/s`,
    `${fmtInt(w.floorParseRecPerSec)} rec/s`,
    w.ratio.toFixed(3),
    met(w.targetMet?.ratio, `≥ ${w.target?.ratio}`),
    `${fmtInt(w.floorConsumeRecPerSec)} rec/s`,
    String(w.closesMeasured),
    f1(w.closeP50Ms),
    f1(w.closeP99Ms),
    met(w.targetMet?.closeP99, `≤ ${w.target?.closeP99Ms} ms`),
    f1(w.monitorPeakRssMB),
    met(w.targetMet?.rss, `≤ ${w.target?.rssMB} MB`),
  ]);
}

const head = git("rev-parse", "--short", "HEAD");
const dirty = git("status", "--porcelain", "--", "src");
const lines = [];
lines.push(
  `# dqstream benchmarks, ${startedAt.toISOString().replace(/\.\d+Z$/, "Z")}${QUICK ? " (BENCH_QUICK=1: smoke-run sizes, one run each — not a measurement)" : ""}`,
);
lines.push("");
lines.push(
  `machine: node ${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.memGiB} GiB, ${machine.platform}; load average (1 min) before/after: ${machine.loadavg1m.before} / ${machine.loadavg1m.after}`,
);
lines.push(
  `build: ${head === undefined ? "unknown commit" : `commit ${head}`}${dirty ? " plus uncommitted changes in src/" : ""}; ` +
    `wall time: ${Object.entries(results)
      .map(([k, v]) => `${k} ${v.seconds.toFixed(0)} s`)
      .join(", ")} (total ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s)`,
);
lines.push("");
lines.push(
  table(
    [
      "benchmark",
      "features",
      "size",
      "dqstream",
      "floor",
      "ratio",
      "ratio target",
      "consume-only floor",
      "windows closed",
      "close p50 ms",
      "close p99 ms",
      "close p99 target",
      "peak RSS MB",
      "RSS target",
    ],
    rows,
  ),
);
lines.push("");
lines.push("Floors, each measured in the same run as its row, medians of the runs:");
lines.push("- baseline: the same CSV through the same reader and CSV parser, Number() on every field (bench/parseOnlyChild.mjs); rows/s inside each child.");
lines.push(
  "- replay: the same capture file read in 1 MiB chunks, JSON.parse per record, CSV payload split, Number() per field (bench/captureParseOnlyChild.mjs); dqstream timed around its whole child (start-up included).",
);
lines.push(
  "- monitor: kafkajs consuming the same 4-partition topic in a fresh group, with the same per-record parse (bench/kafkaFloorChild.mjs parse), and with nothing per message (consume-only); all three rates from the end of the first batch to the end of the last.",
);
const sketchFloors = (replay?.widths ?? []).filter((w) => w.sketchFloorRatio !== undefined);
if (sketchFloors.length > 0)
  lines.push(
    `- replay's sketch floor (the parse floor plus every value into its FeatureProfile: the per-value work the statistics need, no engine, close or reports; bench/sketchFloorChild.mjs) ÷ parse floor: ${sketchFloors.map((w) => `${w.sketchFloorRatio.toFixed(3)} at ${w.features}`).join(", ")} features — the most one thread can reach.`,
  );
lines.push(
  "close: the monitor's window close latency (checks, report files, report sinks handed the report), exact values, nearest-rank p50/p99 over every window closed in all runs. Peak RSS: the worst run's maxRSS of the dqstream child.",
);
if (failures.length > 0) {
  lines.push("");
  for (const f of failures) lines.push(`**${f.name} FAILED**: ${f.message.split("\n")[0]}`);
}
const md = `${lines.join("\n")}\n`;

mkdirSync(OUT_DIR, { recursive: true });
const stamp = startedAt.toISOString().slice(0, 16).replace(":", "").replace("T", "-");
const file = join(OUT_DIR, `bench-${stamp}Z${QUICK ? "-quick" : ""}.md`);
writeFileSync(file, md);
for (const [name, r] of Object.entries(results)) writeFileSync(file.replace(/\.md$/, `-${name}.txt`), r.out);
process.stdout.write(`\n${"=".repeat(100)}\n\n${md}\nwritten to ${relative(ROOT, file)}\n`);
process.stdout.write(
  `${JSON.stringify({ bench: "all", quick: QUICK, startedAt: startedAt.toISOString(), results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { seconds: Number(v.seconds.toFixed(1)), ...v.result }])), failures, machine })}\n`,
);
if (failures.length > 0) process.exitCode = 1;
