// `npm run bench:dashboard`: the dashboard over a large reports store (issue 14: "Reading a store
// of 10,000 windows keeps the overview under a second (an index, not a full scan per request)").
// Prints tables and one JSON line; asserts nothing (timings are informational).
//
// Store: --windows (10,000) hourly windows of one endpoint/schedule in SageMaker's layout
// `<root>/<endpoint>/<schedule>/YYYY/MM/DD/HH/` (the folder names the window's end, as the
// product writes it), each with window.json, constraint_violations.json, statistics.json and
// constraints.json, in a temporary folder under os.tmpdir() (removed at the end unless --keep).
// The files are modelled on a real report of `npm run demo` (demo-output/reports/…; the demo is
// run first when it is missing): its 13 features, their check types, metrics and thresholds are
// repeated to --features (20) features (`day_mins`, …, then `day_mins_2`, …). Per window, seeded:
// item count on a daily cycle (2,500–5,500), drift distances around 0.02 (threshold 0.1),
// completeness from binomial missing counts where the baseline allows some, the odd late or
// malformed record, and incidents (about 1 window in 85 starts one, lasting 1–24 h, on 1–3
// features: drift, missing values, unseen categories or a wrong type) that put violations into
// about 10 % of the windows. window.json and constraint_violations.json are written per window;
// statistics.json and constraints.json are one file each (the demo's, features renamed) hard-linked
// into every folder: the index never reads them, views read only the latest window's.
//
// Measured in a child process (`node --expose-gc`) that only reads the store:
//   index build    `new ReportIndex(store).refresh()`, the first full read of the store;
//   memory         after gc, before and after the build: heap used, array buffers (the index's
//                  Float64Arrays of more than 8 features live outside the heap) and RSS; peak RSS;
//   overview       DashboardData.overview() answered from the built index, the first call alone
//                  (it reads files: see below) and then --calls (20) calls, median and max, in three
//                  set-ups: `dqstream dashboard` without --statistics (`read`: the baseline named in
//                  the latest window.json), the monitor's (`baseline` in memory), and neither (the
//                  types from the latest window's statistics.json);
//   timeline       every window (limit = windows) and the default 500;
//   feature        one feature's series over every window and its histogram overlay;
//   refresh        with nothing new (the dashboard's periodic refresh), then after each of 5 new
//                  window folders moved in (one at a time, as publishFolder does), and the first
//                  overview after the new window;
//   HTTP           startDashboard + startMonitorServer (port 0, silent logger), the time to `ready`,
//                  then GET /api/overview and /api/timeline?limit=<every window> with fetch.
//
//   npm run bench:dashboard                                   10,000 windows × 20 features
//   npm run bench:dashboard -- --features 100                 10,000 × 100
//   npm run bench:dashboard -- --features 20,100 --windows 2000 --keep
// Flags: --windows N, --features F[,F…], --calls N (20), --seed N (20261203), --keep.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DashboardData } from "../dist/dashboard/dashboardData.js";
import { startDashboard } from "../dist/dashboard/dashboardServer.js";
import { ReportIndex } from "../dist/dashboard/reportIndex.js";
import { parseStatistics } from "../dist/formats/statisticsFormat.js";
import { startMonitorServer } from "../dist/http/monitorServer.js";
import { LocalReportStore } from "../dist/sinks/reportStore/localReportStore.js";
import { locationReader } from "../dist/storage/readLocation.js";
import { createLogger } from "../dist/telemetry/logger.js";
import { fmtInt, machineInfo, median, table } from "./lib.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const DEMO = join(ROOT, "demo-output");
const ENDPOINT = "churn-endpoint";
const SCHEDULE = "hourly";
const HOUR_MS = 3_600_000;
/** window_start of the first window. */
const T0 = Date.UTC(2025, 0, 1);
/** Windows prepared beside the store and moved in one at a time for the incremental refreshes. */
const EXTRA = 5;

const { values: flags } = parseArgs({
  options: {
    windows: { type: "string", default: "10000" },
    features: { type: "string", default: "20" },
    calls: { type: "string", default: "20" },
    seed: { type: "string", default: "20261203" },
    keep: { type: "boolean", default: false },
    measure: { type: "string" },
  },
});
const positive = (name, v, min = 1) => {
  const n = Number(String(v).replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
};

// ---------------------------------------------------------------------------------------------
// parent: generate, run the measuring child, print

async function main() {
  const windows = positive("windows", flags.windows);
  const widths = flags.features.split(",").map((s) => positive("features", s.trim()));
  const calls = positive("calls", flags.calls);
  const seed = positive("seed", flags.seed, 0);
  const template = readTemplate();
  const loadBefore = os.loadavg()[0];
  const results = [];
  for (const features of widths) {
    const dir = mkdtempSync(join(os.tmpdir(), "dq-dashboard-"));
    const cleanup = () => rmSync(dir, { recursive: true, force: true });
    const onSignal = () => {
      if (!flags.keep) cleanup();
      process.exit(130);
    };
    process.once("SIGINT", onSignal);
    try {
      console.error(`[dashboard] ${fmtInt(windows)} windows × ${features} features into ${dir} …`);
      const generated = generate(dir, template, windows, features, seed);
      console.error(`[dashboard] generated in ${(generated.ms / 1000).toFixed(1)} s; measuring in a child process …`);
      const measured = await runChild(dir, calls);
      results.push({ windows, features, generated, ...measured });
      console.log(report(results.at(-1), dir));
    } finally {
      process.off("SIGINT", onSignal);
      if (flags.keep) console.error(`[dashboard] kept ${dir}`);
      else cleanup();
    }
  }
  const machine = machineInfo(loadBefore, os.loadavg()[0]);
  console.log(
    `\n${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.memGiB} GiB, ${machine.platform}, load average ${machine.loadavg1m.before} → ${machine.loadavg1m.after}`,
  );
  console.log(JSON.stringify({ bench: "dashboard", machine, results }));
}

/** The demo's report of one window (the first with violations), its baseline, and the shapes of its checks. */
function readTemplate() {
  const reports = join(DEMO, "reports", ENDPOINT, SCHEDULE);
  if (!existsSync(reports)) {
    console.error(`[dashboard] ${reports} is missing: running the demo (node scripts/demo.mjs) once …`);
    const run = spawnSync(process.execPath, [join(ROOT, "scripts/demo.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
    if (run.status !== 0) throw new Error("node scripts/demo.mjs failed");
  }
  const folders = [];
  const walk = (d) => {
    const names = readdirSync(d).sort();
    if (names.includes("window.json")) folders.push(d);
    for (const n of names) if (/^\d+$/.test(n)) walk(join(d, n));
  };
  walk(reports);
  if (folders.length === 0) throw new Error(`no window.json under ${reports}: run npm run demo`);
  const json = (f) => JSON.parse(readFileSync(f, "utf8"));
  const withViolations = folders.find((f) => json(join(f, "window.json")).violations > 0) ?? folders[0];
  const window = json(join(withViolations, "window.json"));
  // per feature, in order: its checks' type, metric and threshold
  const byName = new Map();
  for (const c of window.checks) {
    if (!byName.has(c.feature_name)) byName.set(c.feature_name, []);
    byName.get(c.feature_name).push({ type: c.constraint_check_type, metric: c.metric, threshold: c.threshold });
  }
  const statistics = json(join(withViolations, "statistics.json"));
  const baseline = json(join(DEMO, "baseline", "statistics.json"));
  const types = new Map(baseline.features.map((f) => [f.name, f.inferred_type]));
  return {
    from: withViolations,
    window,
    features: [...byName].map(([name, checks]) => ({ name, checks, type: types.get(name) ?? "Unknown" })),
    statistics,
    baseline,
    constraints: json(join(withViolations, "constraints.json")),
  };
}

/** Seeded PRNG (mulberry32) with uniform and normal draws. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}

/** Java's Double.toString for the values in descriptions ("100.0", "0.97"). */
const javaDouble = (x) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const pad = (n) => String(n).padStart(2, "0");
/** The report folder of the window ending at `endMs`, relative to `<endpoint>/<schedule>`. */
const folderOf = (endMs) => {
  const d = new Date(endMs);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
};

/** The template's features repeated to `count`: names, types and checks. */
function featuresOf(template, count) {
  const base = template.features;
  return Array.from({ length: count }, (_, i) => {
    const b = base[i % base.length];
    const round = Math.floor(i / base.length);
    return { ...b, base: b.name, name: round === 0 ? b.name : `${b.name}_${round + 1}` };
  });
}

/** A statistics/constraints file with its features repeated to `features` (renamed as featuresOf). */
function widen(file, features) {
  const byName = new Map(file.features.map((f) => [f.name, f]));
  return { ...file, features: features.filter((f) => byName.has(f.base)).map((f) => ({ ...byName.get(f.base), name: f.name })) };
}

/** Writes the store, the baseline and the EXTRA windows to move in later; returns sizes and the time taken. */
function generate(dir, template, windows, featureCount, seed) {
  const started = performance.now();
  const features = featuresOf(template, featureCount);
  const baselineDir = join(dir, "baseline");
  const sharedDir = join(dir, "shared");
  mkdirSync(baselineDir, { recursive: true });
  mkdirSync(sharedDir, { recursive: true });
  const put = (file, value) => {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    writeFileSync(file, text);
    return text;
  };
  const sha = (text) => createHash("sha256").update(text).digest("hex");
  const baselineStats = put(join(baselineDir, "statistics.json"), widen(template.baseline, features));
  const baselineConstraints = put(join(baselineDir, "constraints.json"), widen(template.constraints, features));
  const baselineRef = {
    statistics: { file: join(baselineDir, "statistics.json"), sha256: sha(baselineStats) },
    constraints: { file: join(baselineDir, "constraints.json"), sha256: sha(baselineConstraints) },
  };
  const statsText = put(join(sharedDir, "statistics.json"), widen(template.statistics, features));
  put(join(sharedDir, "constraints.json"), widen(template.constraints, features));

  const r = rng(seed);
  // per feature: its usual drift distance and, where the baseline allows missing values, its missing rate
  const profile = features.map((f) => {
    const completeness = f.checks.find((c) => c.type === "completeness_check");
    const threshold = completeness?.threshold ?? 1;
    return { driftScale: 0.01 + 0.02 * r.next(), missing: threshold < 1 ? (1 - threshold) * (0.3 + 0.3 * r.next()) : 0 };
  });
  /** Active incidents: {until (window index, exclusive), feature, kind, level}. */
  let incidents = [];
  let violatingWindows = 0;
  let windowBytes = 0;
  let violationBytes = 0;

  const windowFiles = (i) => {
    const startMs = T0 + i * HOUR_MS;
    const endMs = startMs + HOUR_MS;
    incidents = incidents.filter((x) => x.until > i);
    if (r.next() < 1 / 85) {
      const kinds = ["drift", "drift", "drift", "drift", "drift", "drift", "completeness", "completeness", "domain", "type"];
      const until = i + r.int(1, 24);
      for (let k = r.int(1, 3); k > 0; k--)
        incidents.push({ until, feature: r.int(0, features.length - 1), kind: kinds[r.int(0, kinds.length - 1)], level: 0.1 + 0.5 * r.next() });
    }
    const hourOfDay = new Date(startMs).getUTCHours();
    const n = Math.max(100, Math.round(4000 + 1500 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24) + 150 * r.normal()));
    const late = r.next() < 0.05 ? r.int(1, 20) : 0;
    const malformed = r.next() < 0.02 ? r.int(1, 5) : 0;
    const checks = [];
    const violations = [];
    features.forEach((f, fi) => {
      const p = profile[fi];
      const hit = (kind) => incidents.find((x) => x.feature === fi && x.kind === kind);
      const typeHit = hit("type");
      const typeOk = typeHit === undefined || f.type === "String";
      for (const c of f.checks) {
        let value;
        let extra = {};
        let violated = false;
        let description;
        switch (c.type) {
          case "data_type_check":
            value = typeOk ? 1 : Math.round(n * (1 - typeHit.level / 4)) / n;
            violated = value < c.threshold;
            description = `Data type match requirement is not met. Expected data type: ${f.type}, Expected match: ${javaDouble(c.threshold * 100)}%. Observed: Only ${javaDouble(value * 100)}% of data is ${f.type}.`;
            break;
          case "completeness_check": {
            const incident = hit("completeness");
            const rate = incident === undefined ? p.missing : incident.level / 2;
            const missing = rate === 0 ? 0 : Math.min(n, Math.max(0, Math.round(n * rate + Math.sqrt(n * rate) * r.normal())));
            value = (n - missing) / n;
            violated = value < c.threshold;
            description = `Data completeness requirement is not met. Expected: ${javaDouble(c.threshold * 100)}%. Observed: Only ${javaDouble(value * 100)}%.`;
            break;
          }
          case "baseline_drift_check":
            if (!typeOk) {
              checks.push({
                feature_name: f.name,
                constraint_check_type: c.type,
                verdict: "skipped",
                metric: c.metric,
                value: null,
                threshold: c.threshold,
                note: "data_type_check failed: drift is not evaluated for values not of the baseline type",
              });
              continue;
            }
            value = hit("drift") === undefined ? Math.abs(p.driftScale * (1 + r.normal() / 3)) : c.threshold + hit("drift").level * (0.8 + 0.4 * r.next());
            violated = value > c.threshold;
            description = `Baseline drift distance: ${javaDouble(value)} exceeds threshold: ${javaDouble(c.threshold)}`;
            break;
          case "categorical_values_check":
            value = hit("domain") === undefined ? 1 : Math.round(n * (1 - hit("domain").level / 3)) / n;
            violated = value < c.threshold;
            description = `Value: ${javaDouble(value)} does not meet the constraint requirement! `;
            break;
          default:
            value = 1;
        }
        if (violated) {
          extra = { description };
          violations.push({ feature_name: f.name, constraint_check_type: c.type, description });
        }
        checks.push({
          feature_name: f.name,
          constraint_check_type: c.type,
          verdict: violated ? "violation" : "pass",
          metric: c.metric,
          value,
          threshold: c.threshold,
          ...extra,
        });
      }
    });
    if (violations.length > 0) violatingWindows++;
    const folder = folderOf(endMs);
    const window = {
      endpoint: ENDPOINT,
      schedule: SCHEDULE,
      window_start: iso(startMs),
      window_end: iso(endMs),
      item_count: n,
      records: {
        counted: n,
        skipped: 0,
        skipped_by_reason: {},
        late,
        malformed,
        malformed_by_reason: malformed === 0 ? {} : { invalid_json: malformed },
        hook_errors: {},
      },
      violations: violations.length,
      checks,
      baseline: baselineRef,
      input: [
        {
          file: `capture/${ENDPOINT}/AllTraffic/${folderOf(startMs)}/00-00-000-${String(i).padStart(8, "0")}.jsonl`,
          first_line: 1,
          last_line: n + late + malformed,
        },
      ],
    };
    return { folder, window, violations };
  };

  const writeWindow = (into, { window, violations }) => {
    mkdirSync(into, { recursive: true });
    for (const name of ["statistics.json", "constraints.json"]) {
      try {
        linkSync(join(sharedDir, name), join(into, name));
      } catch {
        copyFileSync(join(sharedDir, name), join(into, name)); // too many links, or a file system without them
      }
    }
    violationBytes += put(join(into, "constraint_violations.json"), { violations }).length;
    windowBytes += put(join(into, "window.json"), window).length; // last, as the report writer does
  };

  const root = join(dir, "reports", ENDPOINT, SCHEDULE);
  for (let i = 0; i < windows; i++) {
    const w = windowFiles(i);
    writeWindow(join(root, w.folder), w);
    if ((i + 1) % 2000 === 0) console.error(`[dashboard]   ${fmtInt(i + 1)} windows`);
  }
  const stored = { windowBytes, violationBytes };
  const extra = [];
  for (let i = windows; i < windows + EXTRA; i++) {
    const w = windowFiles(i);
    writeWindow(join(dir, "extra", String(i)), w);
    extra.push({ from: join(dir, "extra", String(i)), to: join(root, w.folder), id: `${ENDPOINT}/${SCHEDULE}/${w.folder}` });
  }
  const meta = {
    endpoint: ENDPOINT,
    schedule: SCHEDULE,
    windows,
    features: features.map((f) => f.name),
    types: features.map((f) => f.type),
    reports: join(dir, "reports"),
    baseline: join(baselineDir, "statistics.json"),
    latest: `${ENDPOINT}/${SCHEDULE}/${folderOf(T0 + windows * HOUR_MS)}`,
    extra,
  };
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
  return {
    ms: performance.now() - started,
    template: template.from,
    violatingWindows,
    first: iso(T0),
    last: iso(T0 + windows * HOUR_MS),
    windowJsonAvg: stored.windowBytes / windows,
    violationsJsonAvg: stored.violationBytes / windows,
    statisticsJson: statsText.length,
  };
}

function runChild(dir, calls) {
  return new Promise((resolvePromise, reject) => {
    const args = ["--expose-gc", import.meta.filename, "--measure", dir, "--calls", String(calls)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited with ${code ?? signal}\n${stdout}`));
      else resolvePromise(JSON.parse(stdout.trim().split("\n").pop()));
    });
  });
}

const ms = (x) => (x === undefined ? "" : x >= 100 ? fmtInt(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1e3).toFixed(1)} kB`;

function report(r, dir) {
  const g = r.generated;
  const t = (name, x, note = "") => [name, ms(x.first), ms(x.median), ms(x.max), note];
  const lines = [
    `\n## ${fmtInt(r.windows)} windows × ${r.features} features (${g.first} → ${g.last}), ${fmtInt(g.violatingWindows)} windows with violations`,
    ``,
    `Store ${dir}: window.json ${kb(g.windowJsonAvg)} a window (${mb(g.windowJsonAvg * r.windows)} in all), constraint_violations.json ${kb(g.violationsJsonAvg)},`,
    `statistics.json ${kb(g.statisticsJson)} (one file hard-linked into every folder). Template: ${g.template}. Generated in ${(g.ms / 1000).toFixed(1)} s.`,
    ``,
    table(
      ["step", "first ms", "median ms", "max ms", "notes"],
      [
        [
          "index build: new ReportIndex(store).refresh()",
          ms(r.build.ms),
          "",
          "",
          `${fmtInt(r.build.windows)} windows indexed, ${r.build.unreadable} unreadable`,
        ],
        t(
          "overview, `dqstream dashboard` (read: baseline named in window.json)",
          r.overview.cli,
          `${r.calls} calls; ${r.overview.cliFeatures} features, latest ${r.overview.latest}`,
        ),
        t("overview, monitor (baseline in memory)", r.overview.monitor, `${r.calls} calls`),
        t("overview, no baseline (types from the latest statistics.json)", r.overview.bare, `${r.calls} calls`),
        t(
          `timeline, limit ${fmtInt(r.windows)} (every window)`,
          r.timeline.all,
          `${fmtInt(r.timeline.allWindows)} windows, ${mb(r.timeline.allBytes)} as JSON (stringify not timed)`,
        ),
        t("timeline, default limit 500", r.timeline.default, `${kb(r.timeline.defaultBytes)} as JSON`),
        t(`feature "${r.feature.name}", limit ${fmtInt(r.windows)}`, r.feature.timing, `${fmtInt(r.feature.series)} points, overlay ${r.feature.overlay}`),
        t("refresh, nothing new", r.refresh.idle, "5 calls"),
        t("refresh after 1 new window folder", r.refresh.incremental, `${EXTRA} windows, one refresh each, ${r.refresh.added} added`),
        ["overview after the new window (first call)", ms(r.refresh.overviewAfter), "", "", "`dqstream dashboard` set-up"],
        ["startDashboard → ready (a second full build, warm process)", ms(r.http.readyMs), "", "", `${fmtInt(r.http.windows)} windows`],
        t("HTTP GET /api/overview", r.http.overview, `${r.calls} requests, ${kb(r.http.overviewBytes)}`),
        t(`HTTP GET /api/timeline?limit=${fmtInt(r.windows)}`, r.http.timeline, `5 requests, ${mb(r.http.timelineBytes)}`),
      ],
    ),
    ``,
    table(
      ["memory (after gc)", "heap used", "array buffers", "RSS"],
      [
        ["before the build", mb(r.memory.before.heapUsed), mb(r.memory.before.arrayBuffers), mb(r.memory.before.rss)],
        ["after the build", mb(r.memory.after.heapUsed), mb(r.memory.after.arrayBuffers), mb(r.memory.after.rss)],
        [
          "the index (difference)",
          mb(r.memory.after.heapUsed - r.memory.before.heapUsed),
          mb(r.memory.after.arrayBuffers - r.memory.before.arrayBuffers),
          mb(r.memory.after.rss - r.memory.before.rss),
        ],
        ["peak RSS during the build", "", "", mb(r.memory.peakRssDuringBuild)],
      ],
    ),
    ``,
  ];
  const worst = Math.max(
    r.overview.cli.first,
    r.overview.cli.max,
    r.overview.monitor.first,
    r.overview.monitor.max,
    r.overview.bare.first,
    r.overview.bare.max,
    r.http.overview.first,
    r.http.overview.max,
  );
  lines.push(
    `Overview under 1 s at ${fmtInt(r.windows)} windows × ${r.features} features: ${worst < 1000 ? "YES" : "NO"} (slowest overview ${ms(worst)} ms, first calls and HTTP included; informational, not asserted).`,
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// child: read the store

async function timed(count, fn) {
  const t0 = performance.now();
  let result = await fn();
  const first = performance.now() - t0;
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { first, median: median(times), max: Math.max(...times), result };
}
const timing = ({ first, median: m, max }) => ({ first, median: m, max });
const memory = () => {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
};

async function measure(dir, calls) {
  if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc (npm run bench:dashboard does)");
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
  const { endpoint, schedule } = meta;
  const log = (m) => console.error(`[dashboard]   ${m}`);
  const store = new LocalReportStore(meta.reports);
  const read = locationReader(undefined);
  const baseline = parseStatistics(meta.baseline, JSON.parse(readFileSync(meta.baseline, "utf8")));

  const before = memory();
  const index = new ReportIndex(store);
  let t = performance.now();
  const built = await index.refresh();
  const buildMs = performance.now() - t;
  const peakRssDuringBuild = process.resourceUsage().maxRSS * 1024;
  const after = memory();
  const s = index.schedule(endpoint, schedule);
  if (built.length !== meta.windows || s?.windows.length !== meta.windows || index.unreadable.size > 0)
    throw new Error(`the index holds ${s?.windows.length} windows (${index.unreadable.size} unreadable), expected ${meta.windows}`);
  log(`index built in ${buildMs.toFixed(0)} ms`);

  // the three set-ups of DashboardData, each a fresh instance (empty caches)
  const check = (answer) => {
    if (answer.features.length !== meta.features.length || answer.window?.id !== meta.latest)
      throw new Error(`overview: ${answer.features.length} features, window ${answer.window?.id}`);
    return answer;
  };
  const cliData = new DashboardData(index, { read });
  const cli = await timed(calls, async () => check(await cliData.overview(endpoint, schedule)));
  if (cli.result.features.some((f) => f.type === "Unknown")) throw new Error("overview: a feature of type Unknown (the baseline was not read)");
  const monitorData = new DashboardData(index, { baseline });
  const monitor = await timed(calls, async () => check(await monitorData.overview(endpoint, schedule)));
  const bareData = new DashboardData(index);
  const bare = await timed(calls, async () => check(await bareData.overview(endpoint, schedule)));
  log(`overview median ${cli.median.toFixed(2)} ms`);

  const all = await timed(calls, () => cliData.timeline(endpoint, schedule, undefined, meta.windows));
  const byDefault = await timed(calls, () => cliData.timeline(endpoint, schedule));
  const name = meta.features.includes("day_mins") ? "day_mins" : meta.features[0];
  const feature = await timed(calls, () => cliData.feature(endpoint, schedule, name, undefined, meta.windows));

  const idle = await timed(4, async () => {
    const added = await index.refresh();
    if (added.length !== 0) throw new Error(`a refresh with nothing new added ${added.length} windows`);
  });
  const incremental = [];
  let added = 0;
  for (const x of meta.extra) {
    mkdirSync(dirname(x.to), { recursive: true });
    renameSync(x.from, x.to);
    t = performance.now();
    const got = await index.refresh();
    incremental.push(performance.now() - t);
    if (got.length !== 1 || got[0].id !== x.id) throw new Error(`the refresh after ${x.id} added ${got.map((w) => w.id).join(", ") || "nothing"}`);
    added += got.length;
  }
  t = performance.now();
  const afterNew = await cliData.overview(endpoint, schedule);
  const overviewAfter = performance.now() - t;
  if (afterNew.window?.id !== meta.extra.at(-1).id) throw new Error(`overview after the new windows shows ${afterNew.window?.id}`);
  log(`incremental refresh median ${median(incremental).toFixed(1)} ms`);

  // HTTP: what `dqstream dashboard` runs
  const quiet = createLogger("silent");
  t = performance.now();
  const dashboard = startDashboard({ store, read, refreshSeconds: 3600, log: quiet });
  await dashboard.ready;
  const readyMs = performance.now() - t;
  const httpWindows = dashboard.index.schedule(endpoint, schedule)?.windows.length ?? 0;
  const server = await startMonitorServer({ port: 0, log: quiet, routes: dashboard.handle });
  const q = `endpoint=${encodeURIComponent(endpoint)}&schedule=${encodeURIComponent(schedule)}`;
  const get = async (path) => {
    const res = await fetch(`${server.url}${path}`);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
    return body;
  };
  let overviewHttp;
  let timelineHttp;
  try {
    overviewHttp = await timed(calls, () => get(`/api/overview?${q}`));
    const parsed = JSON.parse(overviewHttp.result);
    if (parsed.features.length !== meta.features.length) throw new Error(`GET /api/overview: ${parsed.features.length} features`);
    timelineHttp = await timed(5, () => get(`/api/timeline?${q}&limit=${meta.windows + EXTRA}`));
  } finally {
    dashboard.close();
    await server.close();
  }
  log(`HTTP overview median ${overviewHttp.median.toFixed(2)} ms`);

  return {
    calls,
    build: { ms: buildMs, windows: built.length, unreadable: index.unreadable.size },
    memory: { before, after, peakRssDuringBuild },
    overview: { cli: timing(cli), monitor: timing(monitor), bare: timing(bare), cliFeatures: cli.result.features.length, latest: cli.result.window.id },
    timeline: {
      all: timing(all),
      allWindows: all.result.windows.length,
      allBytes: Buffer.byteLength(JSON.stringify(all.result)),
      default: timing(byDefault),
      defaultBytes: Buffer.byteLength(JSON.stringify(byDefault.result)),
    },
    feature: { name, timing: timing(feature), series: feature.result.series.length, overlay: feature.result.overlay.kind },
    refresh: {
      idle: timing(idle),
      incremental: { first: incremental[0], median: median(incremental), max: Math.max(...incremental) },
      added,
      overviewAfter,
    },
    http: {
      readyMs,
      windows: httpWindows,
      overview: timing(overviewHttp),
      overviewBytes: Buffer.byteLength(overviewHttp.result),
      timeline: timing(timelineHttp),
      timelineBytes: Buffer.byteLength(timelineHttp.result),
    },
  };
}

// run (last: every constant above is initialized)
if (flags.measure !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(flags.measure, positive("calls", flags.calls)))}\n`);
} else {
  await main();
}
