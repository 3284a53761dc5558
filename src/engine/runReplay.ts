import type { RunConfig } from "../config/schema.js";
import { openPipeline } from "./pipeline.js";
import { createDeadLetterSink } from "../components/registry.js";
import { deadLetterKey } from "../sinks/fileDeadLetterSink.js";
import { ReportsLock } from "../sinks/reportsLock.js";
import type { WindowReport } from "../reports/WindowReport.js";
import { boundedSourceFor } from "../sources/registry.js";
import { Driver } from "./driver.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import type { Logger } from "../telemetry/logger.js";
import { addCounts, type WindowCounts } from "../windows/WindowCounts.js";
import { ReplayTally } from "./replayTally.js";
import { logEvent } from "../telemetry/logEvents.js";

export interface ReplaySummary {
  /** The windows reported, tallied (nothing per window is kept: see ReplayTally). */
  windows: ReplayTally;
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
 * `onReport` sees each window's report once it is written (tests; the summary keeps none).
 */
export async function runReplay(
  config: RunConfig,
  inputs: readonly string[],
  log: Logger,
  warn: (message: string) => void = (m) => logEvent(log, "baseline_warning", {}, m),
  onReport?: (report: WindowReport) => void,
): Promise<ReplaySummary> {
  let pipeline;
  let lock: ReportsLock | undefined;
  try {
    pipeline = await openPipeline(config, log);
    // before anything is written: a second, unrelated writer of these reports is refused (a
    // folder lock, so local folders only: docs/configuration.md#reports-in-s3)
    const root = pipeline.store.localRoot;
    if (root !== undefined) lock = await ReportsLock.acquire(root, config.endpoint, config.schedule, { kind: "replay" });
  } catch (e) {
    await pipeline?.close();
    throw e;
  }
  for (const w of pipeline.baseline.warnings) warn(w);
  const deadLetters = await createDeadLetterSink("file", config, { store: pipeline.store, endpoint: config.endpoint, schedule: config.schedule });
  const tally = new ReplayTally();
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
    reportsDescription: pipeline.store.description,
    // a replay fails at the first delivery that fails: nothing is retried
    deliver: (_destination, _description, attempt) => attempt(),
    log,
    onReport: (r) => {
      tally.add(r);
      onReport?.(r);
    },
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
        await lock?.release();
      }
    }
  }
  const windows = driver.windows;
  return {
    windows: tally,
    totals: addCounts(tally.counts, windows.unattributedCounts()),
    unattributed: windows.unattributedCounts(),
    deadLetters: deadLetters.count,
    deadLetterFile: deadLetters.count > 0 ? pipeline.store.locate(deadLetterKey(config.endpoint, config.schedule)) : undefined,
    postprocessFailures: reporter.postprocessFailures,
    outputColumnsPosition: pipeline.outputColumnsPosition,
  };
}
