import { type Command, Option } from "commander";
import { MonitorConfigSchema, redact, type MonitorConfig } from "../config/monitorSchema.js";
import { startMonitor } from "../engine/runMonitor.js";
import { onStopSignal } from "./stopSignals.js";
import { createLogger } from "../telemetry/logger.js";
import { logLevelFromEnv, logLevelOption } from "./logLevel.js";
import { checkReportStore } from "../sinks/reportStore/openReportStore.js";
import { resolveCommandConfig, type FlagKey } from "./commandConfig.js";
import { logEvent } from "../telemetry/logEvents.js";

export interface MonitorFlags {
  config?: string;
  brokers?: string;
  topic?: string[];
  groupId?: string;
  statistics?: string;
  constraints?: string;
  reports?: string;
  windowSeconds?: string;
  allowedLatenessSeconds?: string;
  idleCloseSeconds?: string;
  endpoint?: string;
  schedule?: string;
  jsonColumnMatching?: "sorted_position" | "name";
  httpPort?: string;
  logLevel?: string;
}

/** Flag → config key, for merging and for naming the flag in errors. */
const FLAG_KEYS: ReadonlyArray<FlagKey<MonitorFlags>> = [
  ["statistics", ["baseline", "statistics"], "--statistics", "string"],
  ["constraints", ["baseline", "constraints"], "--constraints", "string"],
  ["reports", ["reports_dir"], "--reports", "string"],
  ["brokers", ["kafka", "brokers"], "--brokers", "list"],
  ["topic", ["kafka", "topics"], "--topic", "list"],
  ["groupId", ["kafka", "group_id"], "--group-id", "string"],
  ["windowSeconds", ["window_seconds"], "--window-seconds", "int"],
  ["allowedLatenessSeconds", ["allowed_lateness_seconds"], "--allowed-lateness-seconds", "int"],
  ["idleCloseSeconds", ["idle_close_seconds"], "--idle-close-seconds", "int"],
  ["endpoint", ["endpoint"], "--endpoint", "string"],
  ["schedule", ["schedule"], "--schedule", "string"],
  ["jsonColumnMatching", ["json_column_matching"], "--json-column-matching", "string"],
  ["httpPort", ["http", "port"], "--http-port", "int"],
];

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerMonitor(program: Command): void {
  program
    .command("monitor")
    .description("consume captured records from Kafka: per-window statistics, checks and reports, exactly once")
    .option("--config <file>", "YAML or JSON config file; DQSTREAM_… variables override it, flags override both (docs/configuration.md)")
    .option("--brokers <host:port,...>", "Kafka bootstrap brokers, comma-separated")
    .option("--topic <name>", "topic to consume (repeatable, or a comma-separated list)", collect)
    .option("--group-id <id>", "consumer group (default dqstream)")
    .option("--statistics <file>", "baseline statistics.json (SageMaker's or dqstream's)")
    .option("--constraints <file>", "baseline constraints.json")
    .option("--reports <dir>", "reports folder")
    .option("--window-seconds <n>", "tumbling window size, 60 to 86400 (default 3600)")
    .option("--allowed-lateness-seconds <n>", "how far behind the greatest event time a record may be (default 0)")
    .option("--idle-close-seconds <n>", "close every open window after this long without records (default 300)")
    .option("--endpoint <name>", "endpoint name in the reports path (default endpoint)")
    .option("--schedule <name>", "schedule name in the reports path (default schedule)")
    .addOption(
      new Option("--json-column-matching <how>", "JSON payload keys to baseline features: sorted_position (SageMaker's rule, default) or name").choices([
        "sorted_position",
        "name",
      ]),
    )
    .option("--http-port <n>", "port of /healthz, /readyz, /metrics (default 9464; 0 picks a free one)")
    .addOption(logLevelOption("info, or DQSTREAM_LOG_LEVEL"))
    .exitOverride()
    .action(async (flags: MonitorFlags) => {
      const config = await resolveMonitorConfig(flags, process.env);
      const log = createLogger(flags.logLevel ?? logLevelFromEnv(process.env));
      logEvent(log, "monitor_configuration", { config: redact(config) });
      await checkReportStore(config.reports_dir, config.s3, flags.reports === undefined ? "reports_dir" : "--reports");
      const monitor = await startMonitor(config, log);
      const signals = onStopSignal((signal) => {
        logEvent(log, "monitor_stopping", { signal });
        void monitor.stop();
        // whatever a client does during the shutdown, the process ends (the commits made are safe)
        setTimeout(
          () => {
            logEvent(log, "monitor_stop_timed_out", { shutdown_timeout_seconds: config.shutdown_timeout_seconds });
            process.exit(1);
          },
          (config.shutdown_timeout_seconds + 5) * 1000,
        ).unref();
      });
      try {
        const summary = await monitor.done;
        logEvent(log, "monitor_stopped", summary);
      } finally {
        signals.ignore();
        // A client that did not let go within the shutdown timeout must not keep the process alive.
        setTimeout(() => process.exit(), 2_000).unref();
      }
    });
}

/**
 * Config file < DQSTREAM_… variables < flags, validated by MonitorConfigSchema; errors name the
 * file, variable or flag, and the key. Paths in the file are relative to the file's folder.
 */
export function resolveMonitorConfig(flags: MonitorFlags, env: NodeJS.ProcessEnv): Promise<MonitorConfig> {
  // the first five flag keys (baseline, reports, brokers, topics) are required
  return resolveCommandConfig(MonitorConfigSchema, { file: flags.config, flags, flagKeys: FLAG_KEYS, required: 5, env });
}
