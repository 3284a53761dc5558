// Deterministic synthetic data for bench/replayWidth.mjs, at a given width F (features, counting
// the model output): a training CSV and a SageMaker Data Capture JSON Lines file, both cached in
// bench/out/replay-width/ and reused while their .meta.json matches (parameters, generator
// version, byte size).
//
// Columns: `label` first (the model output, a score in [0, 1] with 4 decimals), then F − 1 input
// features `f001` … : every 10th input (f005, f015, …) is categorical with 3–8 values (about 10 %
// of the columns), the others numeric — normal with a per-column mean and scale, 0–4 decimals,
// 1 % empty on every 7th column. Training rows and captured rows come from the same distributions
// (different seeds), so the capture raises few violations; the work measured is the statistics.
//
// Capture records have the CSV envelope SageMaker writes for a text/csv endpoint:
//   {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"<F−1 inputs>","encoding":"CSV"},
//    "endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"<label>","encoding":"CSV"}},
//    "eventMetadata":{"eventId":"<uuid>","inferenceTime":"<ISO>"},"eventVersion":"0"}
// Inference times start at 2026-11-01T00:00:00Z and advance by `spacingMs` per record.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "./lib.mjs";
import { normalSource, OUT_DIR, sfc32 } from "./dataset.mjs";

export const WIDTH_DIR = join(OUT_DIR, "replay-width");

/** Bump when the generators' output changes, so stale caches are not reused. */
export const WIDTH_GENERATOR_VERSION = 1;

export const START_MS = Date.parse("2026-11-01T00:00:00Z");
const CATEGORY_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

/** The column layout for width F: derived from the column index only (not the seed), so training and capture agree. */
export function columns(features) {
  const cols = [{ name: "label", kind: "label" }];
  for (let i = 1; i < features; i++) {
    const name = `f${String(i).padStart(3, "0")}`;
    if (i % 10 === 5) {
      const k = 3 + (i % 6); // 3–8 values
      cols.push({ name, kind: "cat", values: CATEGORY_WORDS.slice(0, k), skew: 0.3 + (i % 4) * 0.15 });
    } else {
      cols.push({
        name,
        kind: "num",
        mean: ((i * 37) % 200) - 50,
        scale: 1 + ((i * 13) % 50),
        decimals: i % 5, // 0–4
        emptyRate: i % 7 === 0 ? 0.01 : 0,
      });
    }
  }
  return cols;
}

/** A row generator: returns [labelText, inputsText] for each call. */
function rowSource(features, seed) {
  const rand = sfc32(seed);
  const normal = normalSource(rand);
  const cols = columns(features);
  const cells = new Array(features);
  return () => {
    for (let c = 0; c < features; c++) {
      const col = cols[c];
      if (col.kind === "label") {
        cells[c] = rand().toFixed(4);
      } else if (col.kind === "cat") {
        // Geometric-ish skew: the first values are the most frequent.
        let j = 0;
        while (j < col.values.length - 1 && rand() < col.skew) j++;
        cells[c] = col.values[j];
      } else if (col.emptyRate > 0 && rand() < col.emptyRate) {
        cells[c] = "";
      } else {
        cells[c] = (col.mean + col.scale * normal()).toFixed(col.decimals);
      }
    }
    return [cells[0], cells.slice(1).join(",")];
  };
}

function cached(file, meta) {
  const metaFile = `${file}.meta.json`;
  if (!existsSync(file) || !existsSync(metaFile)) return false;
  try {
    const m = JSON.parse(readFileSync(metaFile, "utf8"));
    for (const [k, v] of Object.entries(meta)) if (m[k] !== v) return false;
    return m.bytes === statSync(file).size;
  } catch {
    return false;
  }
}

/** Writes lines from `next()` (null ends) through a 1 MiB buffer to a temp name, then renames; returns bytes. */
function writeFile(file, meta, next) {
  mkdirSync(WIDTH_DIR, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  let buf = "";
  let bytes = 0;
  for (let line = next(); line !== null; line = next()) {
    buf += line;
    if (buf.length >= 1 << 20) {
      bytes += writeSync(fd, buf);
      buf = "";
    }
  }
  if (buf.length > 0) bytes += writeSync(fd, buf);
  closeSync(fd);
  renameSync(tmp, file);
  writeFileSync(`${file}.meta.json`, `${JSON.stringify({ ...meta, bytes }, null, 2)}\n`);
  return bytes;
}

const CLI = join(dirname(dirname(fileURLToPath(import.meta.url))), "dist", "cli", "main.js");

/**
 * The baseline of width F's training CSV (ensureTraining), made afresh into `outputDir` with the
 * built CLI (`dqstream baseline --format csv --header`); resolves with `outputDir`.
 */
export async function makeBaseline(features, rows, seed, outputDir, log = () => {}) {
  const train = ensureTraining(features, rows, seed, log);
  log(`F=${features}: baseline of ${rows.toLocaleString("en-US")} training rows …`);
  rmSync(outputDir, { recursive: true, force: true });
  await runNode([CLI, "baseline", "--dataset", train.file, "--format", "csv", "--header", "--output", outputDir]);
  return outputDir;
}

/** Training CSV (header + `rows` rows) for width F; generated once, then reused. */
export function ensureTraining(features, rows, seed, log = () => {}) {
  const file = join(WIDTH_DIR, `train-v${WIDTH_GENERATOR_VERSION}-f${features}-r${rows}-s${seed}.csv`);
  const meta = { kind: "training", generatorVersion: WIDTH_GENERATOR_VERSION, features, rows, seed };
  if (cached(file, meta)) return { file, bytes: statSync(file).size, reused: true };
  log(`generating ${rows} training rows × ${features} columns → ${file}`);
  const next = rowSource(features, seed);
  let i = -1;
  const bytes = writeFile(file, meta, () => {
    i++;
    if (i === 0)
      return `${columns(features)
        .map((c) => c.name)
        .join(",")}\n`;
    if (i > rows) return null;
    const [label, inputs] = next();
    return `${label},${inputs}\n`;
  });
  return { file, bytes, reused: false };
}

/** Capture JSON Lines (`records` records) for width F; generated once, then reused. */
export function ensureCapture(features, records, spacingMs, seed, log = () => {}) {
  const file = join(WIDTH_DIR, `capture-v${WIDTH_GENERATOR_VERSION}-f${features}-n${records}-dt${spacingMs}-s${seed}.jsonl`);
  const meta = { kind: "capture", generatorVersion: WIDTH_GENERATOR_VERSION, features, records, spacingMs, seed };
  if (cached(file, meta)) return { file, bytes: statSync(file).size, reused: true };
  log(`generating ${records} capture records × ${features} columns → ${file}`);
  const next = rowSource(features, seed);
  const idRand = sfc32(seed ^ 0x5bd1e995);
  const hex = (n) => {
    let s = "";
    for (let k = 0; k < n; k++) s += ((idRand() * 16) | 0).toString(16);
    return s;
  };
  let i = 0;
  const bytes = writeFile(file, meta, () => {
    if (i >= records) return null;
    const [label, inputs] = next();
    const eventId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const time = new Date(START_MS + Math.floor(i * spacingMs)).toISOString();
    i++;
    return `${JSON.stringify({
      captureData: {
        endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: inputs, encoding: "CSV" },
        endpointOutput: { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: label, encoding: "CSV" },
      },
      eventMetadata: { eventId, inferenceTime: time },
      eventVersion: "0",
    })}\n`;
  });
  return { file, bytes, reused: false };
}
