import type { RunConfig } from "../config/schema.js";
import { openPipeline } from "./pipeline.js";
import { deadLetterFile } from "../sinks/fileDeadLetterSink.js";
import { createDeadLetterSink } from "../components/registry.js";
import { ReportsLock } from "../sinks/reportsLock.js";
import type { WindowReport } from "../reports/WindowReport.js";
import { boundedSourceFor } from "../sources/registry.js";
import { Driver } from "./driver.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import type { Logger } from "../telemetry/logger.js";
import { addCounts, emptyCounts, type WindowCounts } from "../windows/WindowCounts.js";
import { logEvent } from "../telemetry/logEvents.js";

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
 * closed at the end of input. The baseline loader's warnings go to `warn` (default: the log). The same input and baseline give byte-identical reports.
 */
export async function runReplay(
  config: RunConfig,
  inputs: readonly string[],
  log: Logger,
  warn: (message: string) => void = (m) => logEvent(log, "baseline_warning", {}, m),
): Promise<ReplaySummary> {
  // before anything is written: a second, unrelated writer of these reports is refused
  const lock = await ReportsLock.acquire(config.reports_dir, config.endpoint, config.schedule, { kind: "replay" });
  let pipeline;
  try {
    pipeline = await openPipeline(config, log);
  } catch (e) {
    await lock.release();
    throw e;
  }
  for (const w of pipeline.baseline.warnings) warn(w);
  const deadLetters = await createDeadLetterSink("file", config, { reportsDir: config.reports_dir, endpoint: config.endpoint, schedule: config.schedule });
  const reports: WindowReport[] = [];
  const { reporter } = pipeline;
  const driver = new Driver({
    source: boundedSourceFor(inputs, { maxRecordBytes: config.max_record_bytes }),
    newEngine: () => pipeline.newEngine({ confirmJumps: true }),
    deadLetters,
    // one call per batch of windows: the postprocess hook and the report sinks get them together
    report: async (closed, _heartbeat, written) => {
      const rs = await reporter.report(closed);
      rs.forEach((r, i) => written(closed[i] as ClosedWindow, r));
    },
    reportsDescription: `reports folder ${config.reports_dir}`,
    // a replay fails at the first delivery that fails: nothing is retried
    deliver: (_destination, _description, attempt) => attempt(),
    log,
    onReport: (r) => reports.push(r),
  });
  try {
    await driver.run();
  } finally {
    try {
      await deadLetters.close();
    } finally {
      try {
        await pipeline.close();
      } finally {
        await lock.release();
      }
    }
  }
  const windows = driver.windows;
  return {
    reports,
    totals: addCounts(
      reports.reduce((t, r) => addCounts(t, r.counts), emptyCounts()),
      windows.unattributedCounts(),
    ),
    unattributed: windows.unattributedCounts(),
    deadLetters: deadLetters.count,
    deadLetterFile: deadLetters.count > 0 ? deadLetterFile(config.reports_dir, config.endpoint, config.schedule) : undefined,
    postprocessFailures: reporter.postprocessFailures,
    outputColumnsPosition: pipeline.outputColumnsPosition,
  };
}
