#!/usr/bin/env node
// Compares a statistics.json (and optionally constraints.json) dqstream wrote with SageMaker's for
// the same dataset, feature by feature: counts and distinct counts exact, moments to 1e-9
// (relative), KLL buckets and sketch data exact, categorical buckets exact and in order; prints
// one line per feature and exits 1 on any difference.
//   node scripts/compare-statistics.mjs <ours/statistics.json> <sagemaker/statistics.json> [<ours/constraints.json> <sagemaker/constraints.json>]
import { readFileSync } from "node:fs";

const [oursFile, theirsFile, oursConsFile, theirsConsFile] = process.argv.slice(2);
if (theirsFile === undefined) {
  process.stderr.write(
    "usage: node scripts/compare-statistics.mjs <ours/statistics.json> <sagemaker/statistics.json> [<ours/constraints.json> <sagemaker/constraints.json>]\n",
  );
  process.exit(2);
}
const read = (f) => JSON.parse(readFileSync(f, "utf8"));
const ours = read(oursFile);
const theirs = read(theirsFile);
const differences = [];
const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

if (ours.dataset?.item_count !== theirs.dataset?.item_count) differences.push(`item_count: ${ours.dataset?.item_count} vs ${theirs.dataset?.item_count}`);
const byName = new Map(ours.features.map((f) => [f.name, f]));
for (const t of theirs.features) {
  const o = byName.get(t.name);
  const diff = [];
  if (o === undefined) diff.push("missing");
  else {
    if (o.inferred_type !== t.inferred_type) diff.push(`type ${o.inferred_type} vs ${t.inferred_type}`);
    const on = o.numerical_statistics ?? o.string_statistics;
    const tn = t.numerical_statistics ?? t.string_statistics;
    for (const k of ["num_present", "num_missing"]) if (on?.common?.[k] !== tn?.common?.[k]) diff.push(`${k} ${on?.common?.[k]} vs ${tn?.common?.[k]}`);
    for (const k of ["distinct_count", "approximate_num_distinct_values"]) if (k in (tn ?? {}) && on?.[k] !== tn[k]) diff.push(`${k} ${on?.[k]} vs ${tn[k]}`);
    for (const k of ["mean", "sum", "std_dev", "min", "max", "completeness"])
      if (k in (tn ?? {}) && !close(on?.[k], tn[k])) diff.push(`${k} ${on?.[k]} vs ${tn[k]}`);
    const tk = t.numerical_statistics?.distribution?.kll;
    const ok = o.numerical_statistics?.distribution?.kll;
    if (tk !== undefined) {
      if (!same(ok?.buckets, tk.buckets)) diff.push("kll buckets differ");
      if (!same(ok?.sketch?.data, tk.sketch?.data)) diff.push("kll sketch data differs");
      if (!same(ok?.sketch?.parameters, tk.sketch?.parameters)) diff.push("kll parameters differ");
    }
    const tc = t.string_statistics?.distribution?.categorical?.buckets;
    const oc = o.string_statistics?.distribution?.categorical?.buckets;
    if (tc === undefined && oc !== undefined) diff.push("categorical distribution that SageMaker does not write");
    if (tc !== undefined && !same(oc, tc))
      diff.push(same(oc?.map((b) => b.value).sort(), tc.map((b) => b.value).sort()) ? "categorical bucket order differs" : "categorical buckets differ");
  }
  process.stdout.write(`${diff.length === 0 ? "same" : "DIFF"}  ${t.name}${diff.length === 0 ? "" : `: ${diff.join("; ")}`}\n`);
  if (diff.length > 0) differences.push(t.name);
}
if (oursConsFile !== undefined && theirsConsFile !== undefined) {
  const oc = read(oursConsFile);
  const tc = read(theirsConsFile);
  const ocBy = new Map(oc.features.map((f) => [f.name, f]));
  for (const t of tc.features) {
    const o = ocBy.get(t.name);
    const ok =
      o !== undefined &&
      o.inferred_type === t.inferred_type &&
      o.completeness === t.completeness &&
      same(o.num_constraints ?? null, t.num_constraints ?? null) &&
      same(o.string_constraints ?? null, t.string_constraints ?? null);
    process.stdout.write(`${ok ? "same" : "DIFF"}  constraints ${t.name}${ok ? "" : `: ${JSON.stringify(o)} vs ${JSON.stringify(t)}`}\n`);
    if (!ok) differences.push(`constraints ${t.name}`);
  }
  const m = same(oc.monitoring_config, tc.monitoring_config);
  process.stdout.write(`${m ? "same" : "DIFF"}  monitoring_config\n`);
  if (!m) differences.push("monitoring_config");
}
process.stdout.write(differences.length === 0 ? "no differences\n" : `${differences.length} differences\n`);
process.exit(differences.length === 0 ? 0 : 1);
