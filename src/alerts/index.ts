import type { AlertsConfig } from "./alertsSchema.js";
import { ConfigError } from "../config/loadConfig.js";
import type { ReportSink, ReportSinkContext } from "../sinks/ReportSink.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import type { AlertChannel } from "./AlertChannel.js";
import { AlertMetrics } from "./alertMetrics.js";
import { AlertSink } from "./AlertSink.js";
import { kafkaChannel } from "./kafkaChannel.js";
import { openAlerts, replay } from "./lifecycle.js";
import { logChannel } from "./logChannel.js";
import { readRecentWindows } from "./reportsOnDisk.js";
import { webhookChannel } from "./webhookChannel.js";

/**
 * The alert sink the config enables (docs/alerts.md): none without an `alerts` section. At start
 * the lifecycle is replayed, without sending, over the latest reports on disk, so a restart
 * neither re-opens nor forgets open alerts, and windows already reported raise nothing again.
 * Throws a ConfigError when the Kafka channel is configured but the run has no Kafka producer
 * (`dqstream replay`).
 */
export async function alertSinks(config: AlertsConfig | undefined, ctx: ReportSinkContext): Promise<ReportSink[]> {
  if (config === undefined) return [];
  const kafka = config.channels.kafka;
  if (kafka !== undefined && ctx.kafkaSend === undefined) {
    throw new ConfigError(
      "alerts.channels.kafka: the Kafka alert channel needs `dqstream monitor` (its Kafka producer); `dqstream replay` has none. Remove alerts.channels.kafka from the replay config.",
    );
  }
  const windows = await readRecentWindows(ctx.reportsDir, ctx.endpoint, ctx.schedule, config.lifecycle.rebuild_windows, ctx.log);
  const state = replay(config.lifecycle, windows);
  const open = openAlerts(state);
  if (windows.length > 0) {
    ctx.log.info(
      {
        windows: windows.length,
        last_window_start: state.lastWindowStartMs === undefined ? null : isoSeconds(state.lastWindowStartMs),
        open_alerts: open.map((a) => `${a.checkType}/${a.feature}`),
      },
      "alerts: state rebuilt from the reports on disk",
    );
  }

  const metrics = new AlertMetrics(ctx.registry);
  const channels: AlertChannel[] = [];
  if (config.channels.log) channels.push(logChannel(ctx.log, metrics));
  config.channels.webhooks.forEach((w, i) => channels.push(webhookChannel(w, i, metrics, ctx.log)));
  if (kafka !== undefined && ctx.kafkaSend !== undefined) channels.push(kafkaChannel(kafka, ctx.kafkaSend, metrics, ctx.log));

  return [
    new AlertSink({
      endpoint: ctx.endpoint,
      schedule: ctx.schedule,
      lifecycle: config.lifecycle,
      state,
      channels,
      metrics,
      log: ctx.log,
      closeTimeoutMs: config.close_timeout_ms,
    }),
  ];
}
