import { loadBaseline, type LoadedBaseline } from "../baseline/loadBaseline.js";
import { applyHeapSetting } from "../config/heapTuning.js";
import type { RunConfig } from "../config/schema.js";
import { BaselineManifestSchema, outputColumnsPosition } from "../formats/baselineManifestFormat.js";
import { parseJsonText } from "../formats/jsonFile.js";
import { besideLocation, locationReader, type LocationReader } from "../storage/readLocation.js";
import { openReportStore } from "../sinks/reportStore/openReportStore.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import { HookRunner } from "../hooks/HookRunner.js";
import { createRecordDecoder } from "../records/decoders/index.js";
import { ConfigError } from "../config/loadConfig.js";
import type { FeatureLimit } from "../profiles/DatasetProfile.js";
import { DEFAULT_SKETCH_OPTIONS, type SketchOptions } from "../profiles/FeatureProfile.js";
import type { Logger } from "../telemetry/logger.js";
import type { ReportSinkContext } from "../sinks/ReportSink.js";
import { createReportSinks } from "../components/registry.js";
import { WindowManager } from "../windows/WindowManager.js";
import type { ReadHistory } from "../windows/ReadHistory.js";
import type { PartitionKey } from "../records/SourceRecord.js";
import { MonitorEngine } from "./MonitorEngine.js";
import { WindowReporter } from "./WindowReporter.js";
import { logEvent } from "../telemetry/logEvents.js";

/**
 * What replay and monitor share: the loaded baseline, the column layout, the hook runners, a
 * factory of engines configured from the run config, and the reporter. `close()` stops the hook
 * workers (one runner serves both hooks when they name the same module and timeout).
 */
export interface Pipeline {
  readonly baseline: LoadedBaseline;
  readonly outputColumnsPosition: "START" | "END";
  readonly windowMs: number;
  readonly sketchOptions: SketchOptions;
  /** max_features over the baseline's features (window profiles, and the monitor's stage 2 merging parts). */
  readonly featureLimit: FeatureLimit;
  readonly reporter: WindowReporter;
  /** Where the reports go (reports_dir: a local folder or S3). */
  readonly store: ReportStore;
  /**
   * An engine over fresh windows; `confirmJumps` for replay (see eventTimePlausibility.ts);
   * `history`: the source's ReadHistory per partition (Source.history).
   */
  newEngine(mode: { confirmJumps: boolean; now?: () => number }, history?: (key: PartitionKey) => ReadHistory): MonitorEngine;
  close(): Promise<void>;
}

/** What the caller adds for the report sinks (monitor: its metrics registry and Kafka producer). */
export type PipelineExtras = Pick<ReportSinkContext, "registry" | "kafkaSend">;

export async function openPipeline(config: RunConfig, log: Logger, extras: PipelineExtras = {}): Promise<Pipeline> {
  const read = locationReader(config.s3);
  const baseline = await loadBaseline(config.baseline.statistics, config.baseline.constraints, read);
  applyHeapSetting(baseline.featureNames.length);
  const position = config.output_columns_position ?? (await positionFromManifest(config.baseline.statistics, read)) ?? "START";
  const store = await openReportStore(config.reports_dir, config.s3);
  const pre = config.preprocessor === undefined ? undefined : await HookRunner.start(config.preprocessor.module, config.preprocessor.timeout_ms);
  const post =
    config.postprocessor === undefined
      ? undefined
      : config.preprocessor !== undefined &&
          config.postprocessor.module === config.preprocessor.module &&
          config.postprocessor.timeout_ms === config.preprocessor.timeout_ms
        ? pre
        : await HookRunner.start(config.postprocessor.module, config.postprocessor.timeout_ms);
  const decoder = await createRecordDecoder(config.record_format, config);
  const windowMs = config.window_seconds * 1000;
  if (config.max_features < baseline.featureNames.length) {
    throw new ConfigError(
      `max_features: ${config.max_features} is below the baseline's ${baseline.featureNames.length} features (${config.baseline.statistics}), which are always profiled`,
    );
  }
  const featureLimit: FeatureLimit = { maxFeatures: config.max_features, reserved: new Set(baseline.featureNames) };
  const sketchOptions: SketchOptions = { ...DEFAULT_SKETCH_OPTIONS, category_cap: config.category_cap };
  const reporter = new WindowReporter(
    {
      store,
      endpoint: config.endpoint,
      schedule: config.schedule,
      windowMs,
      folderTime: config.report_folder_time,
      jsonColumnMatching: config.json_column_matching,
      baseline,
      statisticsFile: config.baseline.statistics,
      constraintsFile: config.baseline.constraints,
    },
    post?.has("postprocess") === true ? post : undefined,
    log,
  );
  const sinks = await createReportSinks(config, {
    endpoint: config.endpoint,
    schedule: config.schedule,
    windowMs,
    store,
    baseline,
    log,
    ...extras,
  });
  for (const sink of sinks) reporter.addSink(sink);
  return {
    baseline,
    outputColumnsPosition: position,
    windowMs,
    sketchOptions,
    featureLimit,
    reporter,
    store,
    newEngine: (mode, history) =>
      new MonitorEngine({
        windows: new WindowManager({
          windowMs,
          allowedLatenessMs: config.allowed_lateness_seconds * 1000,
          sketch: sketchOptions,
          featureLimit,
          ...(history === undefined ? {} : { history }),
        }),
        decoder,
        layout: { featureNames: baseline.featureNames, outputColumnsPosition: position },
        fallbackToSourceTimestamp: config.fallback_to_source_timestamp,
        plausibility: { maxAheadMs: config.max_event_time_ahead_seconds * 1000, ...mode },
        preprocessor: pre?.has("preprocess") === true ? pre : undefined,
        onHookError: (kind, detail, where) => logEvent(log, "preprocess_hook_failed", { kind, detail, position: where }),
      }),
    close: async () => {
      await reporter.closeSinks();
      await pre?.close();
      if (post !== pre) await post?.close();
    },
  };
}

/** output_columns_position from baseline.json beside the statistics file (local or S3), if there is one. */
async function positionFromManifest(statisticsFile: string, read: LocationReader): Promise<"START" | "END" | undefined> {
  const file = besideLocation(statisticsFile, "baseline.json");
  const bytes = await read(file);
  return bytes === undefined ? undefined : outputColumnsPosition(parseJsonText(file, Buffer.from(bytes).toString("utf8"), BaselineManifestSchema));
}
