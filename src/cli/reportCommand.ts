import type { Command } from "commander";
import * as z from "zod";
import { InputError } from "../records/inputBytes.js";
import { partitionName } from "../records/SourceRecord.js";
import { readWindow, schedulesIn, windowFolders, type ReportedViolation, type StoredWindow } from "../reports/readReports.js";
import { openReportStore } from "../sinks/reportStore/openReportStore.js";
import type { S3Config } from "../storage/s3Schema.js";
import { parseFlags, readStoreSettings } from "./commandConfig.js";
import { readStatistics } from "../baseline/loadBaseline.js";
import { buildHtmlReport } from "../dashboard/htmlReport.js";
import { WriteError } from "../formats/jsonFile.js";
import { locationReader } from "../storage/readLocation.js";
import { writeFile } from "node:fs/promises";
import { ExitCode, UsageError } from "./exitCodes.js";
import { renderTable } from "./table.js";

interface ReportFlags {
  reports?: string;
  config?: string;
  endpoint?: string;
  schedule?: string;
  since?: string;
  feature?: string;
  last?: string;
  json?: boolean;
  window?: string;
  html?: string;
  statistics?: string;
}

/** The flags that are not locations, validated once (each error names its flag). */
export const ReportOptionsSchema = z.strictObject({
  since: z.iso.datetime({ offset: true, error: "expected an ISO 8601 time such as 2026-11-01T00:00:00Z" }).optional(),
  last: z.coerce
    .number({ error: "expected a whole number of windows" })
    .int({ error: "expected a whole number of windows" })
    .min(1, { error: "expected 1 to 100000 windows" })
    .max(100_000, { error: "expected 1 to 100000 windows" })
    .default(20),
  feature: z.string().min(1).optional(),
  endpoint: z.string().min(1).optional(),
  schedule: z.string().min(1).optional(),
});
export type ReportOptions = z.output<typeof ReportOptionsSchema>;

/** One window as `dqstream report` shows it (and its --json prints). */
export interface ReportRow {
  readonly window_start: string;
  readonly window_end: string;
  readonly location: string;
  readonly item_count: number;
  readonly late: number;
  readonly malformed: number;
  /** Absent for replay's reports (one process: always complete). */
  readonly complete?: boolean;
  readonly missing_partitions?: ReadonlyArray<{ topic: string; partition: number }>;
  readonly violations: readonly ReportedViolation[];
}

export interface ScheduleReport {
  readonly endpoint: string;
  readonly schedule: string;
  /** Windows shown (since --since, the last --last of them), oldest first. */
  readonly windows: readonly ReportRow[];
  /** Reports that could not be read, with why (skipped, never fatal). */
  readonly unreadable: readonly string[];
  /** Whether the latest window shown has violations (of --feature, when given). */
  readonly latest_has_violations: boolean;
}

const WHAT_A_REPORT_IS = "(a report is a folder <endpoint>/<schedule>/YYYY/MM/DD/HH[/mm] with window.json)";

/** Exit code 3: the latest window has violations (for CI pipelines and cron jobs to gate on). */
export const VIOLATIONS_EXIT_CODE = 3;

export function registerReport(program: Command, outcome: { exitCode: number }): void {
  program
    .command("report")
    .description("print the windows of a reports folder or bucket and their violations; exit 3 when the latest window has violations")
    .option("--reports <dir|s3://bucket/prefix>", "the reports folder or S3 prefix (default: reports_dir of --config)")
    .option("--config <file>", "a replay or monitor config file (or part of one): its reports_dir and s3 section")
    .option("--endpoint <name>", "only this endpoint (default: every one in the store)")
    .option("--schedule <name>", "only this schedule (default: every one)")
    .option("--since <time>", "only windows starting at or after this ISO 8601 time")
    .option("--last <n>", "at most the last n windows per schedule (default 20)")
    .option("--feature <name>", "only this feature's violations (the exit code too)")
    .option("--json", "print JSON for scripts instead of tables")
    .option("--window <dir|s3://…>", "one window's report folder: its counts, completeness and violations")
    .option("--html <file>", "write the dashboard's views as one self-contained HTML file (its latest --last windows in detail)")
    .option("--statistics <file|s3://…>", "with --html: the baseline statistics.json to draw distributions over (default: the one each window.json names)")
    .exitOverride()
    .action(async (flags: ReportFlags) => {
      outcome.exitCode = await runReportCommand(
        flags,
        (text) => process.stdout.write(text),
        (text) => process.stderr.write(text),
      );
    });
}

function parseOptions(flags: ReportFlags): ReportOptions {
  return parseFlags(ReportOptionsSchema, { since: flags.since, last: flags.last, feature: flags.feature, endpoint: flags.endpoint, schedule: flags.schedule });
}

/** Runs `dqstream report` and returns its exit code: 0 clean, 3 violations in the latest window (each schedule's). Errors throw (the CLI prints them). */
export async function runReportCommand(flags: ReportFlags, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const config = flags.config === undefined ? undefined : await readStoreSettings(flags.config);
  const options = parseOptions(flags);
  const s3: S3Config | undefined = config?.s3;
  if (flags.window !== undefined) {
    if (flags.reports !== undefined) throw new UsageError("--window names one window's folder: give it without --reports");
    return reportWindow(flags.window, s3, options, flags.json === true, out);
  }
  const reports = flags.reports ?? config?.reports_dir;
  if (reports === undefined) throw new UsageError("--reports: required (or --config with reports_dir, or --window)");
  if (flags.html !== undefined) return writeHtmlReport(reports, flags.html, flags.statistics, s3, options, out, err);
  if (flags.statistics !== undefined) throw new UsageError("--statistics: applies to --html only");
  const schedules = await readSchedules(reports, s3, options);
  for (const s of schedules) for (const u of s.unreadable) err(`warning: skipped ${u}\n`);
  const violating = schedules.some((s) => s.latest_has_violations);
  const code = violating ? VIOLATIONS_EXIT_CODE : ExitCode.Ok;
  if (flags.json === true) out(`${JSON.stringify({ reports, schedules, exit_code: code }, null, 2)}\n`);
  else out(schedules.map((s) => scheduleText(s, options)).join("\n"));
  return code;
}

/** The windows of every (endpoint, schedule) of the store that the options select. InputError when there is none. */
export async function readSchedules(reports: string, s3: S3Config | undefined, o: ReportOptions): Promise<ScheduleReport[]> {
  const store = await openReportStore(reports, s3);
  const sinceMs = o.since === undefined ? undefined : Date.parse(o.since);
  const pairs = (await schedulesIn(store)).filter(
    (p) => (o.endpoint === undefined || p.endpoint === o.endpoint) && (o.schedule === undefined || p.schedule === o.schedule),
  );
  const out: ScheduleReport[] = [];
  for (const { endpoint, schedule } of pairs) {
    let folders = await windowFolders(store, endpoint, schedule);
    // a folder is named by its window's end or start: one named before --since holds an earlier window
    if (sinceMs !== undefined) folders = folders.filter((f) => f.timeMs >= sinceMs);
    const windows: ReportRow[] = [];
    const unreadable: string[] = [];
    // read from the latest back until --last windows are in (unreadable ones do not count)
    for (let i = folders.length - 1; i >= 0 && windows.length < o.last; i--) {
      const dir = `${endpoint}/${schedule}/${(folders[i] as { folder: string }).folder}`;
      try {
        const w = await readWindow(store, dir);
        if (sinceMs !== undefined && Date.parse(w.window.window_start) < sinceMs) continue;
        windows.push(rowOf(w, store.locate(dir), o.feature));
      } catch (e) {
        unreadable.push(e instanceof Error ? e.message : String(e));
      }
    }
    windows.reverse();
    if (windows.length === 0 && unreadable.length === 0) continue;
    out.push({ endpoint, schedule, windows, unreadable, latest_has_violations: (windows.at(-1)?.violations.length ?? 0) > 0 });
  }
  if (out.length === 0) {
    const which = [
      o.endpoint === undefined ? "" : `endpoint ${o.endpoint}`,
      o.schedule === undefined ? "" : `schedule ${o.schedule}`,
      o.since === undefined ? "" : `since ${o.since}`,
    ]
      .filter((x) => x !== "")
      .join(", ");
    throw new InputError(store.locate(""), `no window reports${which === "" ? "" : ` for ${which}`} ${WHAT_A_REPORT_IS}`);
  }
  return out;
}

function rowOf(w: StoredWindow, location: string, feature: string | undefined): ReportRow {
  const j = w.window;
  return {
    window_start: j.window_start,
    window_end: j.window_end,
    location,
    item_count: j.item_count,
    late: j.records?.late ?? 0,
    malformed: j.records?.malformed ?? 0,
    ...(j.complete === undefined ? {} : { complete: j.complete }),
    ...(j.missing_partitions === undefined ? {} : { missing_partitions: j.missing_partitions.map((p) => ({ topic: p.topic, partition: p.partition })) }),
    violations: feature === undefined ? w.violations : w.violations.filter((v) => v.feature_name === feature),
  };
}

/** "check_type: feature, feature; …", grouped by check type in first-seen order. */
export function violationSummary(violations: readonly ReportedViolation[]): string {
  const byCheck = new Map<string, string[]>();
  for (const v of violations) {
    const list = byCheck.get(v.constraint_check_type) ?? [];
    list.push(v.feature_name);
    byCheck.set(v.constraint_check_type, list);
  }
  return [...byCheck.entries()].map(([check, features]) => `${check}: ${features.join(", ")}`).join("; ");
}

const missingText = (w: ReportRow): string => (w.missing_partitions ?? []).map(partitionName).join(", ");

const minute = (iso: string): string => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");

function scheduleText(s: ScheduleReport, o: ReportOptions): string {
  const violating = s.windows.filter((w) => w.violations.length > 0).length;
  const head = `${s.endpoint} / ${s.schedule}: ${s.windows.length} window${s.windows.length === 1 ? "" : "s"}${o.since === undefined ? "" : ` since ${o.since}`}, ${violating} with violations${o.feature === undefined ? "" : ` of ${o.feature}`}; latest ${s.latest_has_violations ? "HAS VIOLATIONS" : "clean"}`;
  const anyIncomplete = s.windows.some((w) => w.complete !== undefined);
  const rows = s.windows.map((w) => [
    minute(w.window_start),
    String(w.item_count),
    String(w.late),
    String(w.malformed),
    ...(anyIncomplete ? [w.complete === false ? `no (${missingText(w)})` : "yes"] : []),
    w.violations.length === 0 ? "–" : `${w.violations.length}  ${violationSummary(w.violations)}`,
  ]);
  const header = ["window start (UTC)", "items", "late", "malformed", ...(anyIncomplete ? ["complete"] : []), "violations"];
  return `${head}\n${renderTable(header, rows)}\n`;
}

async function reportWindow(location: string, s3: S3Config | undefined, o: ReportOptions, json: boolean, out: (text: string) => void): Promise<number> {
  const store = await openReportStore(location, s3);
  const w = rowOf(await readWindow(store, ""), store.locate(""), o.feature);
  const code = w.violations.length > 0 ? VIOLATIONS_EXIT_CODE : ExitCode.Ok;
  if (json) {
    out(`${JSON.stringify({ window: w, exit_code: code }, null, 2)}\n`);
    return code;
  }
  const lines = [
    `window ${w.window_start} – ${w.window_end}  (${w.location})`,
    `items ${w.item_count} · late ${w.late} · malformed ${w.malformed}${w.complete === undefined ? "" : ` · complete: ${w.complete ? "yes" : `no, missing ${missingText(w)}`}`}`,
    w.violations.length === 0
      ? `no violations${o.feature === undefined ? "" : ` of ${o.feature}`}`
      : `${w.violations.length} violation${w.violations.length === 1 ? "" : "s"}${o.feature === undefined ? "" : ` of ${o.feature}`}:\n${renderTable(
          ["feature", "check", "description"],
          w.violations.map((v) => [v.feature_name, v.constraint_check_type, v.description]),
        )}`,
  ];
  out(`${lines.join("\n")}\n`);
  return code;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;

async function writeHtmlReport(
  reports: string,
  file: string,
  statistics: string | undefined,
  s3: S3Config | undefined,
  o: ReportOptions,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  if (o.since !== undefined || o.feature !== undefined)
    throw new UsageError("--html: shows every feature and window of the store; give --endpoint, --schedule or --last, not --since or --feature");
  const read = locationReader(s3);
  const store = await openReportStore(reports, s3);
  const report = await buildHtmlReport({
    store,
    read,
    detailWindows: o.last,
    ...(statistics === undefined ? {} : { baseline: await readStatistics(statistics, read) }),
    ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
    ...(o.schedule === undefined ? {} : { schedule: o.schedule }),
  });
  if (report.windows === 0) throw new InputError(store.locate(""), `no window reports ${WHAT_A_REPORT_IS}`);
  try {
    await writeFile(file, report.html);
  } catch (e) {
    throw new WriteError(file, `cannot write the HTML report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const [folder, why] of report.unreadable) err(`warning: skipped ${store.locate(folder)}: ${why}\n`);
  out(
    `HTML report of ${plural(report.windows, "window")} (${plural(report.schedules, "schedule")}, the latest ${o.last} of each in detail): ${file} (${Math.ceil(Buffer.byteLength(report.html) / 1024)} KiB)\n`,
  );
  // the same gate as the tables: 3 when a schedule's latest window has violations
  return report.latest_has_violations ? VIOLATIONS_EXIT_CODE : ExitCode.Ok;
}
