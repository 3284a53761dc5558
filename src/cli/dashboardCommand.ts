import { existsSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../records/inputBytes.js";
import * as z from "zod";
import { startDashboard } from "../dashboard/dashboardServer.js";
import { readStatistics } from "../baseline/loadBaseline.js";
import { startMonitorServer } from "../http/monitorServer.js";
import { openReportStore } from "../sinks/reportStore/openReportStore.js";
import { locationReader } from "../storage/readLocation.js";
import { createLogger } from "../telemetry/logger.js";
import { parseFlags, readStoreSettings } from "./commandConfig.js";
import { UsageError } from "./exitCodes.js";
import { logLevelFromEnv, logLevelOption } from "./logLevel.js";
import { onStopSignal } from "./stopSignals.js";

interface DashboardFlags {
  reports?: string;
  config?: string;
  statistics?: string;
  host: string;
  port: string;
  refreshSeconds: string;
  logLevel?: string;
}

/** The flags that are not locations, validated once (each error names its flag). */
export const DashboardOptionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.coerce
    .number({ error: "expected a port number" })
    .int({ error: "expected a whole port number" })
    .min(0, { error: "expected 0 to 65535" })
    .max(65_535, { error: "expected 0 to 65535" }),
  "refresh-seconds": z.coerce
    .number({ error: "expected a number of seconds" })
    .min(0.5, { error: "expected 0.5 to 3600 seconds" })
    .max(3_600, { error: "expected 0.5 to 3600 seconds" }),
});

export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("serve the dashboard of a reports folder or bucket: overview, timeline, feature and window views, updated as windows arrive")
    .option("--reports <dir|s3://bucket/prefix>", "the reports folder or S3 prefix (default: reports_dir of --config)")
    .option("--config <file>", "a replay or monitor config file (or part of one): its reports_dir and s3 section")
    .option("--statistics <file|s3://…>", "the baseline statistics.json to draw distributions over (default: the one each window.json names)")
    .option("--host <address>", "address to listen on (0.0.0.0 to expose it)", "127.0.0.1")
    .option("--port <n>", "port; 0 picks a free one", "9464")
    .option("--refresh-seconds <n>", "how often to look for new windows", "5")
    .addOption(logLevelOption("info, or DQSTREAM_LOG_LEVEL"))
    .exitOverride()
    .action(async (flags: DashboardFlags) => {
      const options = parseFlags(DashboardOptionsSchema, { host: flags.host, port: flags.port, "refresh-seconds": flags.refreshSeconds });
      const settings = flags.config === undefined ? undefined : await readStoreSettings(flags.config);
      const reports = flags.reports ?? settings?.reports_dir;
      if (reports === undefined) throw new UsageError("--reports: required (or --config with reports_dir)");
      const read = locationReader(settings?.s3);
      const baseline = flags.statistics === undefined ? undefined : await readStatistics(flags.statistics, read);
      const store = await openReportStore(reports, settings?.s3);
      // a store that cannot be listed is an error now, not an empty page later; an empty one is
      // served (a monitor may not have reported yet), a local folder that is not there is a typo
      await store.folders("");
      if (store.localRoot !== undefined && !existsSync(store.localRoot)) throw new InputError(store.localRoot, "--reports: there is no such folder");
      const log = createLogger(flags.logLevel ?? logLevelFromEnv(process.env));
      const dashboard = startDashboard({ store, ...(baseline === undefined ? {} : { baseline }), read, refreshSeconds: options["refresh-seconds"], log });
      const started = Date.now();
      const server = await startMonitorServer({ host: options.host, port: options.port, log, routes: dashboard.handle });
      // served at once: while a large store is read, the page shows how far the reading got
      process.stdout.write(`dashboard of ${store.description}: ${server.url}/\n`);
      void dashboard.ready.then(() => {
        const windows = dashboard.index.schedules().reduce((n, s) => n + s.windows.length, 0);
        process.stdout.write(`read ${windows} window${windows === 1 ? "" : "s"} in ${Date.now() - started} ms\n`);
      });
      await new Promise<void>((resolve) => onStopSignal(() => resolve()));
      dashboard.close();
      await server.close();
    });
}
