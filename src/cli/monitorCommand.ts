import type { Command } from "commander";
import { configFromEnv } from "../config/envConfig.js";
import { ConfigError, mergeConfig, readConfigFileResolved, validateConfig } from "../config/loadConfig.js";
import { MonitorConfigSchema, redact, type MonitorConfig } from "../config/monitorSchema.js";
import { startMonitor } from "../engine/runMonitor.js";
import { createLogger } from "../telemetry/logger.js";
import { UsageError } from "./exitCodes.js";

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
  httpPort?: string;
  logLevel?: string;
}

type FlagKind = "int" | "string" | "list";

/** Flag → config key, for merging and for naming the flag in errors. */
const FLAG_KEYS: Array<[keyof MonitorFlags, string[], string, FlagKind]> = [
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
    .option("--http-port <n>", "port of /healthz, /readyz, /metrics (default 9464; 0 picks a free one)")
    .option("--log-level <level>", "log level on stderr (default info)")
    .exitOverride()
    .action(async (flags: MonitorFlags) => {
      const config = await resolveMonitorConfig(flags, process.env);
      const log = createLogger(flags.logLevel);
      log.info({ config: redact(config) }, "monitor configuration");
      const monitor = await startMonitor(config, log);
      const onSignal = (signal: NodeJS.Signals): void => {
        log.info({ signal }, "stopping: finishing the batch in hand and committing");
        void monitor.stop();
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      try {
        const summary = await monitor.done;
        log.info(summary, "monitor stopped");
      } finally {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        // A client that did not let go within the shutdown timeout must not keep the process alive.
        setTimeout(() => process.exit(), 2_000).unref();
      }
    });
}

/**
 * Config file < DQSTREAM_… variables < flags, validated by MonitorConfigSchema; errors name the
 * file, variable or flag, and the key. Paths in the file are relative to the file's folder.
 */
export async function resolveMonitorConfig(flags: MonitorFlags, env: NodeJS.ProcessEnv): Promise<MonitorConfig> {
  const fromFile = flags.config === undefined ? {} : await readConfigFileResolved(flags.config);
  const fromEnv = configFromEnv(env);
  const fromFlags: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  for (const [prop, path, flag, kind] of FLAG_KEYS) {
    const raw = flags[prop];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (kind === "int") {
      if (typeof raw !== "string" || !/^-?\d+$/.test(raw)) throw new ConfigError(`${flag}: expected an integer, got "${String(raw)}"`);
      value = Number(raw);
    } else if (kind === "list") {
      value = (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
    }
    let node = fromFlags;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1] as string] = value;
    flagOf.set(path.join("."), flag);
  }
  const merged = mergeConfig(fromFile, fromEnv.config, fromFlags);
  for (const [, path, flag] of FLAG_KEYS.slice(0, 5)) {
    let node: unknown = merged;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) {
      const variable = `DQSTREAM_${path.map((p) => p.toUpperCase()).join("__")}`;
      throw new UsageError(`missing ${flag} (or ${path.join(".")} in --config, or ${variable})`);
    }
  }
  return validateConfig(MonitorConfigSchema, merged, (path) => {
    // the most specific source that set the key (or one of its parents)
    for (let n = path.length; n > 0; n--) {
      const key = path.slice(0, n).map(String).join(".");
      const where = flagOf.get(key) ?? fromEnv.origin.get(key);
      if (where !== undefined) return where;
    }
    return flags.config ?? "configuration";
  });
}

