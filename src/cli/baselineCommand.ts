import { availableParallelism } from "node:os";
import { join } from "node:path";
import { suggestConstraints } from "../baseline/suggestConstraints.js";
import { profileDataset } from "../baseline/profileDataset.js";
import { parseBaselineManifest } from "../formats/baselineManifestFormat.js";
import { parseConstraints, toConstraintsJson } from "../formats/constraintsFormat.js";
import { writeJsonFile } from "../formats/jsonFile.js";
import { parseStatistics } from "../formats/statisticsFormat.js";
import { DEFAULT_SKETCH_OPTIONS, type SketchOptions } from "../profiles/FeatureProfile.js";
import { toStatistics } from "../profiles/toStatistics.js";
import type { DatasetFormat } from "../records/datasetReader.js";
import { openInputBytes } from "../records/inputBytes.js";
import type { SkipLog } from "../records/skipLog.js";
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
 * Outputs are written only after the whole input was read, each atomically.
 */
export async function runBaseline(opts: BaselineCommandOptions, err: NodeJS.WriteStream = process.stderr): Promise<BaselineSummary> {
  const started = performance.now();
  const input = openInputBytes(opts.dataset);
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
  const statistics = toStatistics(profile);
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
    sketch_options: sketch,
  });
  const files = [join(opts.output, "statistics.json"), join(opts.output, "constraints.json"), join(opts.output, "baseline.json")];
  await writeJsonFile(files[0] as string, statistics);
  await writeJsonFile(files[1] as string, constraintsJson);
  await writeJsonFile(files[2] as string, manifest);
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
