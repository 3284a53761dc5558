#!/usr/bin/env node
// `npm run demo`: the embedded default. Builds a baseline from the bundled example dataset and
// replays the bundled capture files against it, both with the real CLI, then prints what it found
// and where the reports are. `node scripts/demo.mjs <folder>` writes into that folder instead of
// demo-output/ (the browser tests run it so).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2] === undefined ? join(root, "demo-output") : resolve(process.argv[2]);
const cli = join(root, "dist/cli/main.js");
const dataset = join(root, "examples/data/training.csv");
const rel = (p) => relative(process.cwd(), p) || ".";

rmSync(out, { recursive: true, force: true });
const baselineDir = join(out, "baseline");
console.log(`$ dqstream baseline --dataset ${rel(dataset)} --format csv --header --output ${rel(baselineDir)}`);
const run = spawnSync(process.execPath, [cli, "baseline", "--dataset", dataset, "--format", "csv", "--header", "--output", baselineDir], { stdio: "inherit" });
if (run.status !== 0) process.exit(run.status ?? 1);

const stats = JSON.parse(readFileSync(join(baselineDir, "statistics.json"), "utf8"));
const constraints = JSON.parse(readFileSync(join(baselineDir, "constraints.json"), "utf8"));
const byName = new Map(constraints.features.map((f) => [f.name, f]));
const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(3));

console.log(`\nBaseline of ${stats.dataset.item_count} rows, ${stats.features.length} features:\n`);
const rows = [["feature", "type", "missing", "summary", "suggested constraints"]];
for (const f of stats.features) {
  const c = byName.get(f.name) ?? {};
  const n = f.numerical_statistics;
  const s = f.string_statistics;
  const common = (n ?? s).common;
  const summary = n
    ? `mean ${fmt(n.mean)}, sd ${fmt(n.std_dev)}, range [${fmt(n.min)}, ${fmt(n.max)}]`
    : `${s.distinct_count} distinct; top ${(s.distribution?.categorical.buckets ?? [])
        .slice(0, 3)
        .map((b) => `${b.value} ${b.count}`)
        .join(", ")}`;
  const cons = [`completeness ≥ ${c.completeness}`];
  if (c.num_constraints?.is_non_negative) cons.push("non-negative");
  if (c.string_constraints?.domains) cons.push(`domain of ${c.string_constraints.domains.length}`);
  rows.push([f.name, f.inferred_type, String(common.num_missing), summary, cons.join(", ")]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, r] of rows.entries()) {
  console.log(
    r
      .map((cell, j) => cell.padEnd(widths[j]))
      .join("  ")
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
const m = constraints.monitoring_config;
console.log(
  `\nmonitoring_config: datatype_check_threshold ${m.datatype_check_threshold}, comparison ${m.distribution_constraints.comparison_method} (threshold ${m.distribution_constraints.comparison_threshold}), categorical ${m.distribution_constraints.categorical_drift_method} (threshold ${m.distribution_constraints.categorical_comparison_threshold})`,
);
console.log(`\nFiles: ${rel(join(baselineDir, "statistics.json"))}, ${rel(join(baselineDir, "constraints.json"))}, ${rel(join(baselineDir, "baseline.json"))}`);

// Replay eight hours of captured traffic (CSV, JSON and BASE64 payloads; some hours drift).
const reports = join(out, "reports");
const captures = join(root, "examples/capture/churn-endpoint/AllTraffic/**/*.jsonl");
console.log(
  `\n$ dqstream replay --statistics ${rel(join(baselineDir, "statistics.json"))} --constraints ${rel(join(baselineDir, "constraints.json"))} --reports ${rel(reports)} --endpoint churn-endpoint --schedule hourly --json-column-matching name '${rel(captures)}'`,
);
const replay = spawnSync(
  process.execPath,
  [
    cli,
    "replay",
    "--statistics",
    join(baselineDir, "statistics.json"),
    "--constraints",
    join(baselineDir, "constraints.json"),
    "--reports",
    reports,
    "--endpoint",
    "churn-endpoint",
    "--schedule",
    "hourly",
    "--json-column-matching",
    "name",
    captures,
  ],
  { stdio: "inherit" },
);
if (replay.status !== 0) process.exit(replay.status ?? 1);

// What the windows found, as `dqstream report` prints it (exit 3: the latest window has violations).
console.log(`\n$ dqstream report --reports ${rel(reports)}\n`);
const report = spawnSync(process.execPath, [cli, "report", "--reports", reports], { stdio: "inherit" });
if (report.status !== 0 && report.status !== 3) process.exit(report.status ?? 1);
console.log(
  `\nEach window folder holds statistics.json, constraint_violations.json, constraints.json and window.json; dead letters: ${rel(join(reports, "dead-letter/churn-endpoint/hourly/dead-letter.jsonl"))}`,
);

// The same windows as charts: one self-contained HTML file (no server, no network), to open in a
// browser or attach to a ticket. `dqstream dashboard --reports <dir>` serves them live.
const html = join(out, "report.html");
console.log(`\n$ dqstream report --reports ${rel(reports)} --html ${rel(html)}`);
const page = spawnSync(process.execPath, [cli, "report", "--reports", reports, "--html", html], { stdio: "inherit" });
if (page.status !== 0 && page.status !== 3) process.exit(page.status ?? 1);
console.log(`\nOpen ${html} in a browser, or serve the reports live: node dist/cli/main.js dashboard --reports ${rel(reports)}`);
