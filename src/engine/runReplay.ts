import { dirname, join } from "node:path";
import { access } from "node:fs/promises";
import { loadBaseline } from "../baseline/loadBaseline.js";
import type { RunConfig } from "../config/schema.js";
import { outputColumnsPosition, readBaselineManifest } from "../formats/baselineManifestFormat.js";
import { HookRunner } from "../hooks/HookRunner.js";
import { DEFAULT_SKETCH_OPTIONS } from "../profiles/FeatureProfile.js";
import { FileDeadLetterSink } from "../sinks/fileDeadLetterSink.js";
import type { WindowReport } from "../sinks/reportWriter.js";
import { readCaptureFiles } from "../sources/fileSource.js";
import type { Logger } from "../telemetry/logger.js";
import { addCounts, emptyCounts, type WindowCounts } from "../windows/WindowCounts.js";
import { WindowManager } from "../windows/WindowManager.js";
import { MonitorEngine } from "./MonitorEngine.js";
import { WindowReporter } from "./WindowReporter.js";

export interface ReplaySummary {
  reports: WindowReport[];
  /** Counts over all windows, plus the unattributed ones. */
  totals: WindowCounts;
  /** Records counted in no window: no record of their partition had a usable event time. */
  unattributed: WindowCounts;
  deadLetters: number;
  deadLetterFile: string | undefined;
  postprocessFailures: number;
  outputColumnsPosition: "START" | "END";
}

/**
 * `dqstream replay`: the engine over capture files, in order, as one partition; every window is
 * closed at the end of input. The same input and baseline give byte-identical reports.
 */
export async function runReplay(config: RunConfig, inputs: readonly string[], log: Logger): Promise<ReplaySummary> {
  const baseline = await loadBaseline(config.baseline.statistics, config.baseline.constraints);
  const position = config.output_columns_position ?? (await positionFromManifest(config.baseline.statistics)) ?? "START";
  const pre = config.preprocessor === undefined ? undefined : await HookRunner.start(config.preprocessor.module, config.preprocessor.timeout_ms);
  const post =
    config.postprocessor === undefined
      ? undefined
      : config.preprocessor !== undefined && config.postprocessor.module === config.preprocessor.module && config.postprocessor.timeout_ms === config.preprocessor.timeout_ms
        ? pre
        : await HookRunner.start(config.postprocessor.module, config.postprocessor.timeout_ms);
  const windowMs = config.window_seconds * 1000;
  const engine = new MonitorEngine({
    windows: new WindowManager({
      windowMs,
      allowedLatenessMs: config.allowed_lateness_seconds * 1000,
      sketch: { ...DEFAULT_SKETCH_OPTIONS, category_cap: config.category_cap },
    }),
    layout: { featureNames: baseline.featureNames, outputColumnsPosition: position },
    fallbackToSourceTimestamp: config.fallback_to_source_timestamp,
    preprocessor: pre?.has("preprocess") === true ? pre : undefined,
    onHookError: (kind, detail, where) => log.warn({ kind, detail, position: where }, "preprocess hook failed"),
  });
  const reporter = new WindowReporter(
    {
      reportsDir: config.reports_dir,
      endpoint: config.endpoint,
      schedule: config.schedule,
      windowMs,
      baseline,
      statisticsFile: config.baseline.statistics,
      constraintsFile: config.baseline.constraints,
    },
    post?.has("postprocess") === true ? post : undefined,
    log,
  );
  const deadLetters = new FileDeadLetterSink(config.reports_dir, config.endpoint, config.schedule);
  const reports: WindowReport[] = [];
  try {
    for await (const batch of readCaptureFiles(inputs)) {
      const result = await engine.process(batch);
      await deadLetters.write(result.deadLetters);
      reports.push(...(await reporter.report(result.closed)));
    }
    reports.push(...(await reporter.report(engine.closeAll())));
  } finally {
    await deadLetters.close();
    await pre?.close();
    if (post !== pre) await post?.close();
  }
  return {
    reports,
    totals: addCounts(reports.reduce((t, r) => addCounts(t, r.counts), emptyCounts()), engine.windows.unattributedCounts()),
    unattributed: engine.windows.unattributedCounts(),
    deadLetters: deadLetters.count,
    deadLetterFile: deadLetters.count > 0 ? deadLetters.file : undefined,
    postprocessFailures: reporter.postprocessFailures,
    outputColumnsPosition: position,
  };
}

/** output_columns_position from baseline.json beside the statistics file, if there is one. */
async function positionFromManifest(statisticsFile: string): Promise<"START" | "END" | undefined> {
  const file = join(dirname(statisticsFile), "baseline.json");
  try {
    await access(file);
  } catch {
    return undefined;
  }
  return outputColumnsPosition(await readBaselineManifest(file));
}
