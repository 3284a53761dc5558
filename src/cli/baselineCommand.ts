import { availableParallelism } from "node:os";
import { join } from "node:path";
import { suggestConstraints } from "../baseline/suggestConstraints.js";
import { profileDataset } from "../baseline/profileDataset.js";
import { parseBaselineManifest } from "../formats/baselineManifestFormat.js";
import { parseConstraints, toConstraintsJson } from "../formats/constraintsFormat.js";
import { formatJson, writeFilesAtomic } from "../formats/jsonFile.js";
import { parseStatistics } from "../formats/statisticsFormat.js";
import { DEFAULT_SKETCH_OPTIONS, type SketchOptions } from "../profiles/FeatureProfile.js";
import { DeequHyperLogLog } from "../sketches/deequHyperLogLog.js";
import { sortedByName } from "../profiles/alignKeyedColumns.js";
import { toStatistics } from "../profiles/toStatistics.js";
import type { DatasetFormat } from "../records/datasetReader.js";
import { InputError, openInputBytes, type InputBytes } from "../records/inputBytes.js";
import type { SkipLog } from "../records/skipLog.js";
import { checkOutputFolder } from "../formats/outputFolder.js";
import { formatBytes, formatCount, ProgressLine } from "./progress.js";

export interface BaselineCommandOptions {
  dataset: string;
  format: "csv" | "jsonl";
  header: boolean;
  outputColumnsPosition: "START" | "END";
  output: string;
  categoryCap: number;
  /** Threads for CSV profiling (default: up to 2, as the machine allows); see profileCsvParallel. */
  threads?: number;
}

export interface BaselineSummary {
  rows: number;
  features: number;
  bytes: number;
  seconds: number;
  skipped: number;
  files: string[];
}

/**
 * `dqstream baseline`: profile a dataset into SageMaker-compatible statistics.json and suggested
 * constraints.json, plus baseline.json (how the baseline was made: SageMaker's `dataset_format`
 * for it, rows, skipped lines), which `replay` and `monitor` read for the column layout.
 * Outputs are written only after the whole input was read, atomically, all three or none.
 */
export async function runBaseline(opts: BaselineCommandOptions, err: NodeJS.WriteStream = process.stderr): Promise<BaselineSummary> {
  const started = performance.now();
  await checkOutputFolder(opts.output, "--output", false);
  const opened = openInputBytes(opts.dataset);
  const decoded = countingBytes(opened.chunks);
  const input: InputBytes = { ...opened, chunks: decoded.chunks };
  const format: DatasetFormat = opts.format === "csv" ? { format: "csv", header: opts.header } : { format: "jsonl" };
  const sketch: SketchOptions = { ...DEFAULT_SKETCH_OPTIONS, category_cap: opts.categoryCap };
  const progress = new ProgressLine(err);
  let result;
  try {
    result = await profileDataset(input, format, sketch, (p) => progress.update(p.rows, p.bytes), opts.threads ?? defaultThreads());
  } finally {
    progress.clear();
  }
  const { profile, skips } = result;
  // an empty baseline would pass every later check and flag every feature as extra: refuse it
  if (profile.itemCount === 0 || profile.features.size === 0)
    throw new InputError(input.name ?? opts.dataset, nothingProfiled(profile.itemCount, profile.features.size, decoded.bytes, skips));
  // JSON Lines: features sorted by name as text, the column order of Spark's JSON schema inference
  // (SageMaker's baseline job; windows match JSON keys in that order too: alignKeyedColumns)
  const statistics = toStatistics(opts.format === "jsonl" ? sortedByName(profile) : profile);
  // Validate what we write with the same schema we read with: a file we cannot read back is a bug.
  const constraints = suggestConstraints(parseStatistics("statistics.json (generated)", statistics));
  const constraintsJson = toConstraintsJson(constraints);
  parseConstraints("constraints.json (generated)", constraintsJson);
  const manifest = parseBaselineManifest("baseline.json (generated)", {
    dataset: opts.dataset === "-" ? "stdin" : opts.dataset,
    dataset_format:
      opts.format === "csv"
        ? { csv: { header: opts.header, output_columns_position: opts.outputColumnsPosition } }
        : { json: { lines: true }, output_columns_position: opts.outputColumnsPosition },
    item_count: profile.itemCount,
    features: profile.features.size,
    skipped: skipsJson(skips),
    // distinct counts are Deequ's HyperLogLog++, whose precision is fixed (p = 9, SageMaker's)
    sketch_options: { category_cap: sketch.category_cap, hll_precision: DeequHyperLogLog.P, kll_k: sketch.kll_k, kll_c: sketch.kll_c },
  });
  const files = [join(opts.output, "statistics.json"), join(opts.output, "constraints.json"), join(opts.output, "baseline.json")];
  // all three or none: a failure (a full disk) leaves an earlier baseline in the folder whole
  await writeFilesAtomic([
    [files[0] as string, formatJson(statistics)],
    [files[1] as string, formatJson(constraintsJson)],
    [files[2] as string, formatJson(manifest)],
  ]);
  const summary: BaselineSummary = {
    rows: profile.itemCount,
    features: profile.features.size,
    bytes: input.bytesRead(),
    seconds: (performance.now() - started) / 1000,
    skipped: skips.total,
    files,
  };
  err.write(formatSummary(opts.dataset, summary, skips));
  return summary;
}

/** Up to two threads: the reading thread plus sketch work split in two saturates 2 cores. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * Why a dataset gave no row, or rows without a single feature (JSON Lines of `{}`), for the error:
 * `no rows profiled: 744 lines skipped: 744 × invalid JSON (lines 1, 2, 3, 4, 5, …)`.
 * `bytes` counts the decoded input (a gzip file of nothing is empty).
 */
function nothingProfiled(rows: number, features: number, bytes: number, skips: SkipLog): string {
  const skipped =
    skips.total === 0
      ? undefined
      : `${formatCount(skips.total)} line${skips.total === 1 ? "" : "s"} skipped: ${skips
          .reasons()
          .map((r) => `${formatCount(r.count)} × ${r.reason} (line${r.count === 1 ? "" : "s"} ${r.first.join(", ")}${r.count > r.first.length ? ", …" : ""})`)
          .join(", ")}`;
  if (rows > 0) return `no features profiled: ${formatCount(rows)} row${rows === 1 ? "" : "s"}, none with a key${skipped === undefined ? "" : `; ${skipped}`}`;
  if (skipped !== undefined) return `no rows profiled: ${skipped}`;
  if (bytes === 0) return "no rows profiled: the input is empty";
  if (features > 0) return `no rows profiled: only a header line (${features} column${features === 1 ? "" : "s"})`;
  return "no rows profiled: only blank lines";
}

/** Counts the bytes of a chunk stream as they pass. */
function countingBytes(chunks: AsyncIterable<Buffer>): { chunks: AsyncIterable<Buffer>; readonly bytes: number } {
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  return {
    chunks: counted(),
    get bytes() {
      return bytes;
    },
  };
}

export function skipsJson(skips: SkipLog): Array<{ reason: string; count: number; first_lines: number[]; example: string }> {
  return skips.reasons().map((r) => ({ reason: r.reason, count: r.count, first_lines: r.first, example: r.example }));
}

function formatSummary(dataset: string, s: BaselineSummary, skips: SkipLog): string {
  const lines = [
    `baseline: ${formatCount(s.rows)} rows, ${s.features} features from ${dataset === "-" ? "stdin" : dataset} (${formatBytes(s.bytes)}) in ${s.seconds.toFixed(1)} s (${formatCount(Math.round(s.rows / Math.max(s.seconds, 1e-9)))} rows/s)`,
  ];
  if (s.skipped === 0) lines.push("skipped: 0 malformed lines");
  else {
    lines.push(`skipped: ${formatCount(s.skipped)} malformed line${s.skipped === 1 ? "" : "s"}`);
    for (const r of skips.reasons()) {
      const more = r.count > r.first.length ? ", …" : "";
      lines.push(`  ${formatCount(r.count)} × ${r.reason} (line${r.count === 1 ? "" : "s"} ${r.first.join(", ")}${more}): ${r.example}`);
    }
  }
  lines.push(`wrote ${s.files.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
