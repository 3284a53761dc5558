// `npm run bench:sketches`: dqstream's sketches against npm packages, on synthetic streams.
//
//   1. Quantiles: our KllSketch (Deequ's parameters k = 2048, c = 0.64) vs `tdigest` 0.1.3
//      (devDependency; default delta 0.01, K 25): updates/s, max |CDF error| against the exact
//      empirical CDF, max quantile rank error, worst 10-bucket histogram count error (SageMaker's
//      equal-width buckets over [min, max]), retained items/centroids, and whether two runs over
//      the same input give bit-identical results.
//   2. Distinct counts: our HyperLogLog (p = 14) vs `hyperloglog` 0.1.2, `hyperloglog-lite` 1.0.2
//      and `bloom-filters` 3.x's HyperLogLog, all with 2^14 registers: adds/s and relative error at
//      1e3 … 1e6 distinct values. These comparison-only packages are not dependencies of the repo:
//      they are loaded from $BENCH_DEPS (default /tmp/bench-deps) if installed there (see
//      bench/README.md), else reported as "not installed".
//   3. CategoryCounts adds/s (low, medium and high cardinality) and ExactSum adds/s vs `+=`.
//
// Environment: BENCH_N (values per stream, default 1000000), BENCH_RUNS (timed runs, median
// reported, default 3), BENCH_SEED (default 7), BENCH_DEPS, BENCH_HLL_TRIALS (error trials for
// the HyperLogLogs, default 5), BENCH_BLOOM_N (adds timed for bloom-filters, which is ~1000×
// slower, default 10000), BENCH_BLOOM_MAX (largest distinct count measured for bloom-filters,
// default 100000; 1000000 takes ~5 minutes).

import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";
import { CategoryCounts } from "../dist/sketches/categoryCounts.js";
import { ExactSum } from "../dist/sketches/exactSum.js";
import { HyperLogLog } from "../dist/sketches/hyperLogLog.js";
import { KllSketch } from "../dist/sketches/kllSketch.js";
import { kllBuckets } from "../dist/profiles/toStatistics.js";
import { normalSource, sfc32 } from "./dataset.mjs";
import { envInt, fmtInt, fmtRate, pct, table, timeRuns } from "./lib.mjs";

const N = envInt("BENCH_N", 1_000_000);
const RUNS = envInt("BENCH_RUNS", 3);
const SEED = envInt("BENCH_SEED", 7);
const HLL_TRIALS = envInt("BENCH_HLL_TRIALS", 5);
const BLOOM_N = envInt("BENCH_BLOOM_N", 10_000);
const BLOOM_MAX = envInt("BENCH_BLOOM_MAX", 100_000);
const DEPS = process.env.BENCH_DEPS || "/tmp/bench-deps";

const log = (msg) => process.stderr.write(`[bench:sketches] ${msg}\n`);
const out = { bench: "sketches", n: N, runs: RUNS, seed: SEED };

// ---------------------------------------------------------------------------------------------
// Comparison packages
// ---------------------------------------------------------------------------------------------

function tryRequire(req, name) {
  try {
    return { mod: req(name), version: req(`${name}/package.json`).version };
  } catch (e) {
    return { error: e.code === "MODULE_NOT_FOUND" ? "not installed" : `failed to load: ${e.message.split("\n")[0]}` };
  }
}
const repoRequire = createRequire(import.meta.url);
const depsRequire = createRequire(join(DEPS, "package.json"));
const tdigest = tryRequire(repoRequire, "tdigest");
const hllNative = tryRequire(depsRequire, "hyperloglog");
const hllLite = tryRequire(depsRequire, "hyperloglog-lite");
const bloom = tryRequire(depsRequire, "bloom-filters");

// ---------------------------------------------------------------------------------------------
// 1. Quantiles
// ---------------------------------------------------------------------------------------------

function makeStream(kind, seed) {
  const rand = sfc32(seed);
  const normal = normalSource(rand);
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    if (kind === "uniform") xs[i] = rand();
    else if (kind === "normal") xs[i] = normal();
    else if (kind === "lognormal") xs[i] = Math.exp(normal());
    else if (kind === "ties")
      xs[i] = Math.floor(rand() * 21); // integers 0..20
    else xs[i] = rand(); // "ascending": uniform, sorted below
  }
  return kind === "ascending" ? xs.sort() : xs;
}

/** First index i with a[i] ≥ x (a ascending). */
function lowerBound(a, x) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** First index i with a[i] > x. */
function upperBound(a, x) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The exact side: sorted data, distinct values with F(v) and F(v−), exact histogram. */
function exactOf(xs) {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  const values = [];
  const cdf = []; // F(v) = #(X ≤ v) / n
  const cdfLeft = []; // F(v−) = #(X < v) / n
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    values.push(sorted[i]);
    cdfLeft.push(i / n);
    cdf.push((j + 1) / n);
    i = j + 1;
  }
  const min = sorted[0];
  const max = sorted[n - 1];
  const exactRank = { rank: (x) => upperBound(sorted, x), rankExclusive: (x) => lowerBound(sorted, x) };
  return { sorted, n, values, cdf, cdfLeft, min, max, buckets: kllBuckets(exactRank, min, max).map((b) => b.count) };
}

const GRID = Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);

/**
 * Accuracy of one quantile summary against the exact data.
 * - cdfError: sup over x of |F̂(x) − F(x)|, evaluated at every distinct value v (F(v)) and just
 *   below it (F(v−)); F̂ is right-continuous for KLL (rank/rankExclusive) and continuous for
 *   tdigest (p_rank), so this is the Kolmogorov distance.
 * - quantileRankError: for q = 0.001 … 0.999, the distance from q to the exact rank interval
 *   [F(x̂−), F(x̂)] of the returned quantile x̂.
 * - bucketError: worst |count − exact count| / n over the 10 equal-width buckets.
 */
function accuracy(ex, api) {
  let cdfError = 0;
  const sameLeft = api.cdf === api.cdfLeft; // a continuous F̂: its left limit is its value
  for (let i = 0; i < ex.values.length; i++) {
    const v = ex.values[i];
    const f = api.cdf(v);
    const e1 = Math.abs(f - ex.cdf[i]);
    const e2 = Math.abs((sameLeft ? f : api.cdfLeft(v)) - ex.cdfLeft[i]);
    if (e1 > cdfError) cdfError = e1;
    if (e2 > cdfError) cdfError = e2;
  }
  let quantileRankError = 0;
  for (const q of GRID) {
    const x = api.quantile(q);
    const lo = lowerBound(ex.sorted, x) / ex.n;
    const hi = upperBound(ex.sorted, x) / ex.n;
    const e = q < lo ? lo - q : q > hi ? q - hi : 0;
    if (e > quantileRankError) quantileRankError = e;
  }
  const buckets = kllBuckets({ rank: (x) => api.cdf(x) * ex.n, rankExclusive: (x) => api.cdfLeft(x) * ex.n }, ex.min, ex.max).map((b) => b.count);
  let bucketError = 0;
  for (let i = 0; i < buckets.length; i++) bucketError = Math.max(bucketError, Math.abs(buckets[i] - ex.buckets[i]) / ex.n);
  return { cdfError, quantileRankError, bucketError };
}

/** KLL read side, as toStatistics uses it. */
function kllApi(sketch) {
  const d = sketch.toDistribution();
  return {
    cdf: (x) => d.cdf(x),
    cdfLeft: (x) => (d.total === 0 ? 0 : d.rankExclusive(x) / d.total),
    quantile: (q) => {
      // smallest retained value whose inclusive weight reaches q·total
      const target = q * d.total;
      let lo = 0;
      let hi = d.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (d.cumulative[mid] >= target) hi = mid;
        else lo = mid + 1;
      }
      return d.values[lo];
    },
    retained: sketch.retained,
    fingerprint: () => JSON.stringify(sketch.levels()),
  };
}

/** tdigest read side: p_rank is its CDF (percentile rank, half a centroid's weight at its mean). */
function tdigestApi(td) {
  const cdf = (x) => td.p_rank(x);
  return {
    cdf,
    cdfLeft: cdf,
    quantile: (q) => td.percentile(q),
    retained: td.size(),
    compressions: td.nreset - 1, // reset() runs once in the constructor and once per compress()
    fingerprint: () => JSON.stringify(td.toArray()),
  };
}

/** Do two summaries of the same input agree? Bit-identical state, and the largest differences. */
function compareRuns(a, b, ex) {
  let cdfDiff = 0;
  let quantileDiff = 0;
  for (const q of GRID) {
    const x = ex.sorted[Math.min(ex.n - 1, Math.floor(q * ex.n))];
    cdfDiff = Math.max(cdfDiff, Math.abs(a.cdf(x) - b.cdf(x)));
    quantileDiff = Math.max(quantileDiff, Math.abs(a.quantile(q) - b.quantile(q)));
  }
  const range = ex.max - ex.min;
  return {
    identical: a.fingerprint() === b.fingerprint() && cdfDiff === 0 && quantileDiff === 0,
    cdfDiff,
    quantileDiffOfRange: range === 0 ? 0 : quantileDiff / range,
  };
}

const quantileRows = [];
out.quantiles = {};
// "ascending" is the uniform stream sorted: the input order in which tdigest compresses (and so
// calls Math.random); in random order its centroid count stays below K/delta = 2,500 and it never does.
const DISTS = ["uniform", "normal", "lognormal", "ties", "ascending"];
for (const [di, dist] of DISTS.entries()) {
  log(`quantiles: ${dist} …`);
  const xs = makeStream(dist, SEED * 100 + di);
  const ex = exactOf(xs);
  out.quantiles[dist] = { distinct: ex.values.length };
  const impls = [
    {
      name: "KllSketch (k 2048, c 0.64)",
      build: () => {
        const k = new KllSketch();
        for (let i = 0; i < N; i++) k.update(xs[i]);
        return k;
      },
      api: kllApi,
    },
  ];
  if (tdigest.mod !== undefined) {
    impls.push({
      name: `tdigest ${tdigest.version} (delta 0.01)`,
      build: () => {
        const td = new tdigest.mod.TDigest();
        for (let i = 0; i < N; i++) td.push(xs[i]);
        return td;
      },
      api: tdigestApi,
    });
  }
  for (const impl of impls) {
    const t = timeRuns(Math.max(2, RUNS), () => impl.build());
    const apis = t.results.map(impl.api);
    const acc = accuracy(ex, apis[0]);
    const det = compareRuns(apis[0], apis[1], ex);
    const row = {
      updatesPerSec: N / t.seconds,
      cdfError: acc.cdfError,
      quantileRankError: acc.quantileRankError,
      bucketError: acc.bucketError,
      retained: apis[0].retained,
      deterministic: det.identical,
      runToRunCdfDiff: det.cdfDiff,
      runToRunQuantileDiffOfRange: det.quantileDiffOfRange,
      ...(apis[0].compressions === undefined ? {} : { compressions: apis[0].compressions }),
    };
    out.quantiles[dist][impl.name.split(" ")[0]] = row;
    quantileRows.push([
      `${dist} (${fmtInt(ex.values.length)} distinct)`,
      impl.name,
      fmtRate(row.updatesPerSec),
      pct(row.cdfError),
      pct(row.quantileRankError),
      pct(row.bucketError),
      fmtInt(row.retained),
      row.compressions === undefined ? "–" : fmtInt(row.compressions),
      row.deterministic ? "yes" : `no (ΔCDF ${row.runToRunCdfDiff.toExponential(1)}, Δq ${row.runToRunQuantileDiffOfRange.toExponential(1)}·range)`,
    ]);
  }
  if (tdigest.mod === undefined) quantileRows.push([dist, "tdigest", tdigest.error, "", "", "", "", "", ""]);
}

// ---------------------------------------------------------------------------------------------
// 2. HyperLogLog
// ---------------------------------------------------------------------------------------------

const CHECKPOINTS = [1e3, 1e4, 1e5, 1e6].filter((c) => c <= N);
const hllImpls = [
  { name: "dqstream HyperLogLog (p 14)", make: () => new HyperLogLog(14), add: (h, s) => h.add(s), estimate: (h) => h.estimate(), max: N, timeN: N },
];
for (const [pkg, label] of [
  [hllNative, "hyperloglog"],
  [hllLite, "hyperloglog-lite"],
]) {
  if (pkg.mod === undefined) hllImpls.push({ name: label, missing: pkg.error });
  else {
    const H = pkg.mod;
    hllImpls.push({ name: `${label} ${pkg.version} (n 14)`, make: () => H(14), add: (h, s) => h.add(H.hash(s)), estimate: (h) => h.count(), max: N, timeN: N });
  }
}
if (bloom.mod === undefined) hllImpls.push({ name: "bloom-filters", missing: bloom.error });
else {
  const B = bloom.mod.HyperLogLog;
  hllImpls.push({
    name: `bloom-filters ${bloom.version} HyperLogLog (2^14)`,
    make: () => new B(1 << 14),
    add: (h, s) => h.update(s),
    estimate: (h) => h.count(),
    max: Math.min(N, BLOOM_MAX),
    timeN: Math.min(N, BLOOM_N),
    trials: 1,
  });
}

const userIds = (offset, n) => Array.from({ length: n }, (_, i) => `user-${offset + i}`);
const timingKeys = userIds(100_000, N); // "user-100000" …

const hllRows = [];
out.hyperloglog = {};
for (const impl of hllImpls) {
  if (impl.missing !== undefined) {
    hllRows.push([impl.name, impl.missing, ...CHECKPOINTS.map(() => ""), ""]);
    out.hyperloglog[impl.name] = { error: impl.missing };
    continue;
  }
  log(`hyperloglog: ${impl.name} …`);
  const keys = impl.timeN === N ? timingKeys : timingKeys.slice(0, impl.timeN);
  const t = timeRuns(RUNS, () => {
    const h = impl.make();
    for (let i = 0; i < keys.length; i++) impl.add(h, keys[i]);
    return impl.estimate(h);
  });
  // relative error at each checkpoint, over independent key sets (trial t: user-<t·10^7 + i>)
  const trials = impl.trials ?? HLL_TRIALS;
  const errs = new Map(CHECKPOINTS.map((c) => [c, []]));
  for (let trial = 0; trial < trials; trial++) {
    const h = impl.make();
    const base = (trial + 1) * 10_000_000;
    let next = 0;
    for (const c of CHECKPOINTS) {
      if (c > impl.max) break;
      for (; next < c; next++) impl.add(h, `user-${base + next}`);
      errs.get(c).push(impl.estimate(h) / c - 1);
    }
  }
  const res = { addsPerSec: keys.length / t.seconds, timedAdds: keys.length, trials, errors: {} };
  const cells = [];
  for (const c of CHECKPOINTS) {
    const e = errs.get(c);
    if (e.length === 0) {
      cells.push(`not run (BENCH_BLOOM_MAX)`);
      continue;
    }
    const meanAbs = e.reduce((a, x) => a + Math.abs(x), 0) / e.length;
    const maxAbs = Math.max(...e.map(Math.abs));
    const bias = e.reduce((a, x) => a + x, 0) / e.length;
    res.errors[c] = { meanAbs, maxAbs, bias };
    cells.push(e.length === 1 ? `${(100 * e[0]).toFixed(2)} %` : `${(100 * meanAbs).toFixed(2)} % (max ${(100 * maxAbs).toFixed(2)} %)`);
  }
  out.hyperloglog[impl.name] = res;
  hllRows.push([impl.name, `${fmtRate(res.addsPerSec)}${keys.length !== N ? ` (${fmtInt(keys.length)} adds)` : ""}`, ...cells, String(trials)]);
}

// ---------------------------------------------------------------------------------------------
// 3. CategoryCounts and ExactSum
// ---------------------------------------------------------------------------------------------

log("category counts …");
const rand = sfc32(SEED * 1000 + 1);
const low = Array.from({ length: 50 }, (_, i) => `state-${i}`);
const medium = Array.from({ length: 5000 }, (_, i) => `city-${i}`);
const streams = {
  "low cardinality (50 distinct)": Array.from({ length: N }, () => low[Math.floor(rand() * low.length)]),
  "medium cardinality (5,000 distinct, skewed)": Array.from({ length: N }, () => medium[Math.floor(medium.length * rand() * rand())]),
  [`high cardinality (${fmtInt(N)} distinct)`]: timingKeys,
};
const catRows = [];
out.categoryCounts = {};
for (const [label, values] of Object.entries(streams)) {
  const t = timeRuns(RUNS, () => {
    const c = new CategoryCounts(1000);
    for (let i = 0; i < values.length; i++) c.add(values[i]);
    return c;
  });
  const ref = timeRuns(RUNS, () => {
    const m = new Map();
    for (let i = 0; i < values.length; i++) m.set(values[i], (m.get(values[i]) ?? 0) + 1);
    return m.size;
  });
  const c = t.results[0];
  out.categoryCounts[label] = { addsPerSec: N / t.seconds, plainMapAddsPerSec: N / ref.seconds, exact: c.exact };
  catRows.push([label, fmtRate(N / t.seconds), fmtRate(N / ref.seconds), c.exact ? "exact" : "heavy hitters", fmtInt(c.summary().buckets.length)]);
}

log("exact sum …");
const sumStreams = {
  "decimals, 2 digits (normal 5000 ± 2000)": (() => {
    const r = sfc32(SEED * 1000 + 2);
    const nrm = normalSource(r);
    return Float64Array.from({ length: N }, () => Number((5000 + 2000 * nrm()).toFixed(2)));
  })(),
  "lognormal exp(N(0, 2))": (() => {
    const r = sfc32(SEED * 1000 + 3);
    const nrm = normalSource(r);
    return Float64Array.from({ length: N }, () => Math.exp(2 * nrm()));
  })(),
};
const sumRows = [];
out.exactSum = {};
for (const [label, xs] of Object.entries(sumStreams)) {
  const t = timeRuns(RUNS, () => {
    const s = new ExactSum();
    for (let i = 0; i < xs.length; i++) s.add(xs[i]);
    return s.value();
  });
  const plain = timeRuns(RUNS, () => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[i];
    return s;
  });
  const exact = t.results[0];
  const naive = plain.results[0];
  out.exactSum[label] = {
    addsPerSec: N / t.seconds,
    plainAddsPerSec: N / plain.seconds,
    slowdown: plain.seconds > 0 ? t.seconds / plain.seconds : null,
    relDiff: Math.abs(naive - exact) / Math.abs(exact),
  };
  sumRows.push([
    label,
    fmtRate(N / t.seconds),
    fmtRate(N / plain.seconds),
    `${(t.seconds / plain.seconds).toFixed(1)}×`,
    (Math.abs(naive - exact) / Math.abs(exact)).toExponential(2),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const cpus = os.cpus();
out.machine = {
  node: process.version,
  cpu: cpus[0]?.model ?? "unknown",
  cores: cpus.length,
  platform: `${os.platform()} ${os.release()}`,
  loadavg1m: Number(os.loadavg()[0].toFixed(2)),
};
console.log(`\ndqstream sketch benchmark — ${fmtInt(N)} values per stream, median of ${RUNS} timed runs`);
console.log(`machine: node ${process.version}, ${out.machine.cpu} × ${out.machine.cores}, ${out.machine.platform}; comparison packages from ${DEPS}\n`);

console.log("Quantile sketches (errors as a fraction of n; CDF error = max over every distinct value v of |F̂(v) − F(v)| and |F̂(v−) − F(v−)|)\n");
console.log(
  table(
    ["stream", "sketch", "updates/s", "max CDF err", "max quantile rank err", "worst bucket err", "retained", "tdigest compress() calls", "2 runs identical"],
    quantileRows,
  ),
);
console.log(
  "\nretained: KLL items / tdigest centroids. 2 runs identical: same state (levels / centroids) and same CDF and quantiles at 999 points; if not, the largest run-to-run difference of the CDF and of a quantile (as a fraction of max − min).",
);
console.log(
  "Note: tdigest's CDF is p_rank, which puts half of a centroid's weight at its mean; on ties (integers 0..20) that alone is about half a value's mass away from P(X ≤ v).",
);

console.log(
  `\nHyperLogLog, 2^14 registers: adds/s on ${fmtInt(N)} distinct strings "user-100000" …; relative error |estimate/true − 1|, mean (max) over independent trials\n`,
);
console.log(table(["sketch", "adds/s", ...CHECKPOINTS.map((c) => `err @ ${fmtInt(c)}`), "trials"], hllRows));

console.log(`\nCategoryCounts (cap 1,000) vs a plain Map<string, number> counter, ${fmtInt(N)} adds\n`);
console.log(table(["stream", "CategoryCounts adds/s", "plain Map adds/s", "mode at end", "buckets reported"], catRows));

console.log(`\nExactSum (Shewchuk partials) vs plain += over ${fmtInt(N)} values\n`);
console.log(table(["values", "ExactSum adds/s", "+= adds/s", "slowdown", "|naive − exact| / |exact|"], sumRows));
console.log();
console.log(JSON.stringify(out));
