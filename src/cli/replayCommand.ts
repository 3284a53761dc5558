import { type Command, Option } from "commander";
import { glob, isDynamicPattern } from "tinyglobby";
import { RunConfigSchema, type RunConfig } from "../config/schema.js";
import { runReplay, type ReplaySummary } from "../engine/runReplay.js";
import { createLogger } from "../telemetry/logger.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { totalOf } from "../windows/WindowCounts.js";
import { logLevelOption } from "./logLevel.js";
import { checkReportStore } from "../sinks/reportStore/openReportStore.js";
import { resolveCommandConfig, type FlagKey } from "./commandConfig.js";
import { UsageError } from "./exitCodes.js";
import { formatCount } from "./progress.js";

interface ReplayFlags {
  statistics?: string;
  constraints?: string;
  reports?: string;
  windowSeconds?: string;
  allowedLatenessSeconds?: string;
  endpoint?: string;
  schedule?: string;
  jsonColumnMatching?: "sorted_position" | "name";
  outputColumnsPosition?: "START" | "END";
  config?: string;
  logLevel?: string;
}

/** Flag → config key, for merging and for naming the flag in errors. */
const FLAG_KEYS: ReadonlyArray<FlagKey<ReplayFlags>> = [
  ["statistics", ["baseline", "statistics"], "--statistics", "string"],
  ["constraints", ["baseline", "constraints"], "--constraints", "string"],
  ["reports", ["reports_dir"], "--reports", "string"],
  ["windowSeconds", ["window_seconds"], "--window-seconds", "int"],
  ["allowedLatenessSeconds", ["allowed_lateness_seconds"], "--allowed-lateness-seconds", "int"],
  ["endpoint", ["endpoint"], "--endpoint", "string"],
  ["schedule", ["schedule"], "--schedule", "string"],
  ["outputColumnsPosition", ["output_columns_position"], "--output-columns-position", "string"],
  ["jsonColumnMatching", ["json_column_matching"], "--json-column-matching", "string"],
];

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("run the monitoring engine over capture files: per-window statistics, checks and reports")
    .argument("<inputs...>", "capture files or globs (.jsonl, .jsonl.gz), or - for standard input; read in the order given")
    .option("--statistics <file>", "baseline statistics.json (SageMaker's or dqstream's)")
    .option("--constraints <file>", "baseline constraints.json")
    .option("--reports <dir>", "reports folder")
    .option("--window-seconds <n>", "tumbling window size, 60 to 86400 (default 3600)")
    .option("--allowed-lateness-seconds <n>", "how far behind the greatest event time a record may be (default 0)")
    .option("--endpoint <name>", "endpoint name in the reports path (default endpoint)")
    .option("--schedule <name>", "schedule name in the reports path (default schedule)")
    .addOption(
      new Option("--output-columns-position <position>", "output columns in captured CSV rows (default: baseline.json, else START)").choices(["START", "END"]),
    )
    .addOption(
      new Option("--json-column-matching <how>", "JSON payload keys to baseline features: sorted_position (SageMaker's rule, default) or name").choices([
        "sorted_position",
        "name",
      ]),
    )
    .option("--config <file>", "YAML or JSON config file; flags override it (docs/configuration.md)")
    .addOption(logLevelOption("warn"))
    .exitOverride()
    .action(async (inputs: string[], flags: ReplayFlags) => {
      const config = await resolveReplayConfig(flags);
      const files = await expandInputs(inputs);
      await checkReportStore(config.reports_dir, config.s3, flags.reports === undefined ? "reports_dir" : "--reports");
      const summary = await runReplay(config, files, createLogger(flags.logLevel ?? "warn"), (warning) => process.stderr.write(`warning: ${warning}\n`));
      process.stdout.write(formatReplaySummary(config, files, summary));
    });
}

/** Config file, then flags; validated by the one schema; errors name the file or the flag. */
export function resolveReplayConfig(flags: ReplayFlags): Promise<RunConfig> {
  // the first three flag keys (baseline and reports) are required
  return resolveCommandConfig(RunConfigSchema, { file: flags.config, flags, flagKeys: FLAG_KEYS, required: 3 });
}

/** Expands globs (sorted); plain paths and "-" are kept as given, in order. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === "-" || !isDynamicPattern(input)) {
      out.push(input);
      continue;
    }
    const matches = (await glob(input, { onlyFiles: true, expandDirectories: false })).sort();
    if (matches.length === 0) throw new UsageError(`no file matches ${input}`);
    out.push(...matches);
  }
  return out;
}

export function formatReplaySummary(config: RunConfig, files: readonly string[], s: ReplaySummary): string {
  const t = s.totals;
  const lines: string[] = [];
  const w = s.windows;
  const span = w.firstStartMs !== undefined && w.lastEndMs !== undefined ? ` (${isoSeconds(w.firstStartMs)} … ${isoSeconds(w.lastEndMs)})` : "";
  lines.push(
    `replay: ${files.length} input${files.length === 1 ? "" : "s"}, ${formatCount(w.windows)} window${w.windows === 1 ? "" : "s"} of ${config.window_seconds} s${span}`,
  );
  lines.push(
    `records: ${formatCount(t.records)} counted (${formatCount(t.items)} rows), ${formatCount(totalOf(t.skipped))} skipped, ${formatCount(t.late)} late, ${formatCount(totalOf(t.malformed))} malformed, ${formatCount(totalOf(t.hook_errors))} hook errors`,
  );
  for (const [label, map] of [
    ["skipped", t.skipped],
    ["malformed", t.malformed],
    ["hook errors", t.hook_errors],
  ] as const) {
    const entries = Object.entries(map);
    if (entries.length > 0) lines.push(`  ${label}: ${entries.map(([k, v]) => `${k} ${formatCount(v)}`).join(", ")}`);
  }
  const orphans = totalOf(s.unattributed.malformed) + totalOf(s.unattributed.skipped) + s.unattributed.late;
  if (orphans > 0) lines.push(`  ${formatCount(orphans)} of them in no window's report: no record had a usable event time`);
  if (s.deadLetterFile !== undefined) lines.push(`dead letters: ${formatCount(s.deadLetters)} in ${s.deadLetterFile}`);
  lines.push(`violations: ${formatCount(w.violations)} in ${w.flagged} of ${w.windows} windows`);
  if (w.violations > 0) {
    const rows = [...w.byCheck.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = rows.slice(0, 12);
    const w1 = Math.max(10, ...shown.map(([k]) => (k.split("\u0000")[0] as string).length));
    const w2 = Math.max(7, ...shown.map(([k]) => (k.split("\u0000")[1] as string).length));
    lines.push(`  ${"check type".padEnd(w1)}  ${"feature".padEnd(w2)}  windows`);
    for (const [k, n] of shown) {
      const [type, feature] = k.split("\u0000") as [string, string];
      lines.push(`  ${type.padEnd(w1)}  ${feature.padEnd(w2)}  ${n}`);
    }
    if (rows.length > shown.length) lines.push(`  … and ${rows.length - shown.length} more (check type, feature) pairs`);
    lines.push(`windows with the most violations:`);
    for (const r of w.worst) lines.push(`  ${isoSeconds(r.startMs)}  ${r.violations}  ${r.folder}`);
  }
  if (s.postprocessFailures > 0) lines.push(`postprocess hook failures: ${s.postprocessFailures}`);
  lines.push(`reports: ${config.reports_dir}/${config.endpoint}/${config.schedule}/`);
  return `${lines.join("\n")}\n`;
}
