import { join } from "node:path";
import type { LoadedBaseline } from "../baseline/loadBaseline.js";
import { runChecks } from "../checks/index.js";
import { currentView } from "../profiles/currentView.js";
import { alignKeyedColumns, type JsonColumnMatching } from "../profiles/alignKeyedColumns.js";
import { DatasetProfile } from "../profiles/DatasetProfile.js";
import { toStatistics } from "../profiles/toStatistics.js";
import type { Position } from "../records/SourceRecord.js";
import { totalOf } from "../windows/WindowCounts.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import { isoSeconds, windowFolder, type ReportFolderTime } from "../windows/tumblingWindows.js";
import type { WindowReport } from "../reports/WindowReport.js";

/** What evaluating a window needs besides the window: names, layout options and the baseline. */
export interface EvaluationContext {
  readonly endpoint: string;
  readonly schedule: string;
  readonly windowMs: number;
  /** How JSON object keys are matched to baseline features (config `json_column_matching`). */
  readonly jsonColumnMatching: JsonColumnMatching;
  /** Which end of the window names its folder (config `report_folder_time`). */
  readonly folderTime: ReportFolderTime;
  readonly baseline: LoadedBaseline;
  /** The baseline files as named by the user (recorded in window.json). */
  readonly statisticsFile: string;
  readonly constraintsFile: string;
}

/**
 * A closed window's report: JSON keys matched to the baseline (alignKeyedColumns), features in
 * baseline order then extra ones (so a window's statistics can serve as a baseline), SageMaker's
 * six checks, statistics.json and window.json's content, and the folder
 * `<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]` (windowFolder: the window's end by default, as
 * SageMaker names execution folders). A pure function of the window and the context: the same
 * input gives the same report, and so the same bytes.
 */
export function evaluateWindow(ctx: EvaluationContext, w: ClosedWindow): WindowReport {
  const aligned = alignKeyedColumns(w.profile, ctx.baseline.featureNames, ctx.jsonColumnMatching);
  const profile = inBaselineOrder(aligned.profile, ctx.baseline.featureNames);
  const hasData = profile.itemCount > 0;
  const { evaluations, violations } = hasData ? runChecks(currentView(profile), ctx.baseline.baseline) : { evaluations: [], violations: [] };
  const folder = join(ctx.endpoint, ctx.schedule, windowFolder(w.startMs, ctx.windowMs, ctx.folderTime));
  const statistics = toStatistics(profile);
  const manifest = {
    endpoint: ctx.endpoint,
    schedule: ctx.schedule,
    window_start: isoSeconds(w.startMs),
    window_end: isoSeconds(w.endMs),
    item_count: profile.itemCount,
    records: {
      counted: w.counts.records,
      skipped: totalOf(w.counts.skipped),
      skipped_by_reason: w.counts.skipped,
      late: w.counts.late,
      malformed: totalOf(w.counts.malformed),
      malformed_by_reason: w.counts.malformed,
      hook_errors: w.counts.hook_errors,
    },
    ...(profile.notProfiled.values > 0 && profile.limit !== undefined
      ? {
          features_not_profiled: {
            max_features: profile.limit.maxFeatures,
            values: profile.notProfiled.values,
            distinct_names_estimate: profile.notProfiled.distinctNames(),
          },
        }
      : {}),
    ...(Object.keys(aligned.renamed).length > 0 ? { json_columns_by_position: { ...aligned.renamed } } : {}),
    violations: violations.length,
    checks: hasData ? evaluations : "not run: no data in the window",
    baseline: {
      statistics: { file: ctx.statisticsFile, sha256: ctx.baseline.sha256.statistics },
      constraints: { file: ctx.constraintsFile, sha256: ctx.baseline.sha256.constraints },
    },
    input: w.inputs.map((i) => positionRange(i.first, i.last)),
    // the monitor's windows: whether every input partition contributed (docs/design-monitor.md)
    ...(w.completeness === undefined
      ? {}
      : {
          complete: w.completeness.complete,
          ...(w.completeness.complete ? {} : { missing_partitions: w.completeness.missing.map((k) => ({ topic: k.topic, partition: k.partition })) }),
          ...(w.completeness.correction ? { correction: true } : {}),
        }),
  };
  return {
    startMs: w.startMs,
    endMs: w.endMs,
    folder,
    itemCount: profile.itemCount,
    counts: w.counts,
    violations,
    evaluations,
    statistics,
    manifest,
    jsonColumnsByPosition: aligned.renamed,
  };
}

/** The profile with baseline features first, in baseline order, then the window's extra features. */
function inBaselineOrder(profile: DatasetProfile, names: readonly string[]): DatasetProfile {
  const out = new DatasetProfile(profile.options, profile.limit);
  out.itemCount = profile.itemCount;
  out.notProfiled.values = profile.notProfiled.values;
  out.notProfiled.names = profile.notProfiled.names;
  for (const n of names) {
    const f = profile.features.get(n);
    if (f !== undefined) out.features.set(n, f);
  }
  for (const [n, f] of profile.features) if (!out.features.has(n)) out.features.set(n, f);
  return out;
}

function positionRange(first: Position | undefined, last: Position | undefined): Record<string, unknown> {
  if (first === undefined || last === undefined) return {};
  if ("file" in first && "file" in last) {
    return first.file === last.file
      ? { file: first.file, first_line: first.line, last_line: last.line }
      : { first: { file: first.file, line: first.line }, last: { file: last.file, line: last.line } };
  }
  if ("offset" in first && "offset" in last) {
    return { topic: first.topic, partition: first.partition, first_offset: first.offset, last_offset: last.offset };
  }
  return {};
}
