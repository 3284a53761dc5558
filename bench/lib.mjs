// Small helpers shared by the benchmarks.
import { spawn } from "node:child_process";
import os from "node:os";

export function envInt(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : String(n));

/** Rate with 3 significant digits and a unit suffix (k, M). */
export function fmtRate(perSec) {
  if (!Number.isFinite(perSec)) return "–";
  if (perSec >= 1e6) return `${(perSec / 1e6).toPrecision(3)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toPrecision(3)} k/s`;
  return `${perSec.toPrecision(3)} /s`;
}

export const pct = (x, digits = 3) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : "–");

/** A Markdown table; the first column left-aligned, the others right-aligned. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ")} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** Runs `fn` `runs` times; returns the median seconds and every run's result. */
export function timeRuns(runs, fn) {
  const seconds = [];
  const results = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    results.push(fn(r));
    seconds.push((performance.now() - t) / 1000);
  }
  return { seconds: median(seconds), all: seconds, results };
}

/** The machine a benchmark ran on, with the 1-minute load average before and after it (other work skews the numbers). */
export function machineInfo(loadBefore, loadAfter) {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    platform: `${os.platform()} ${os.release()}`,
    loadavg1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadAfter.toFixed(2)) },
  };
}

/** BENCH_WIDTHS-style list of widths (integers ≥ 2) from the environment, else `dflt`. */
export function envWidths(name, dflt) {
  return (process.env[name] || dflt).split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 2) throw new Error(`${name}: bad width "${s}"`);
    return n;
  });
}

/**
 * Runs `node args…` with `env` added; resolves with {stdout, stderr, seconds} (wall time around
 * the child), rejects naming the command when it fails. `children`, when given, holds the child
 * while it runs (for a caller that kills them on interrupt).
 */
export function runNode(args, env = {}, children = undefined) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    children?.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      children?.delete(child);
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited with ${code ?? signal}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr, seconds: (performance.now() - t) / 1000 });
    });
  });
}

/** The JSON object a child printed on its last line. */
export const lastJson = (out) => JSON.parse(out.trim().split("\n").pop());
