// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and by total
// (inclusive) time. Usage: node bench/cpuprofTop.mjs <file.cpuprofile> [top=25]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node bench/cpuprofTop.mjs <file.cpuprofile> [top]\n");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
// sample counts per node, weighted by the time delta of each sample
const selfUs = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const key = (n) => {
  const cf = n.callFrame;
  const url = cf.url.replace(/^file:\/\/.*?\/(dist|bench|node_modules)\//, "$1/");
  return `${cf.functionName || "(anonymous)"} ${url ? `${url}:${cf.lineNumber + 1}` : ""}`.trim();
};
const self = new Map();
for (const [id, us] of selfUs) {
  const k = key(byId.get(id));
  self.set(k, (self.get(k) ?? 0) + us);
}
// inclusive time: each node's self time counted once for every distinct function on its stack
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (const [id, us] of selfUs) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + us);
  }
}
const print = (title, m) => {
  console.log(`\n${title} (total sampled ${(total / 1e6).toFixed(2)} s)`);
  console.log("   ms      %  function");
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(6)} ${((100 * us) / total).toFixed(1).padStart(6)}  ${k}`);
  }
};
print("self time", self);
print("inclusive time", incl);
