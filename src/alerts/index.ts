import type { AlertsConfig } from "./alertsSchema.js";
import { sectionAt } from "../components/schemaKeys.js";
import type { ReportSink, ReportSinkContext } from "../sinks/ReportSink.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import type { AlertChannel } from "./AlertChannel.js";
import { AlertMetrics } from "./alertMetrics.js";
import { AlertSink } from "./AlertSink.js";
import { openAlerts, replay, type LifecycleState } from "./lifecycle.js";
import { readRecentWindows } from "./recentReports.js";
import type { AlertChannelDefinition } from "./channels/definition.js";
import { ALERT_CHANNELS } from "./channels/registry.js";
import { logEvent } from "../telemetry/logEvents.js";

/**
 * The alert sink the config enables (docs/alerts.md): none without an `alerts` section. At start
 * the lifecycle is replayed, without sending, over the latest reports on disk, so a restart
 * neither re-opens nor forgets open alerts, and windows already reported raise nothing again.
 * The channels are those of ALERT_CHANNELS whose key is set, created first: one the run cannot
 * serve throws a ConfigError (the Kafka channel without a Kafka producer, `dqstream replay`).
 */
export async function alertSinks(config: AlertsConfig | undefined, ctx: ReportSinkContext): Promise<ReportSink[]> {
  if (config === undefined) return [];
  const metrics = new AlertMetrics(ctx.registry);
  const channels: AlertChannel[] = [];
  for (const channel of ALERT_CHANNELS as readonly AlertChannelDefinition[]) {
    const section = sectionAt({ alerts: config }, channel.configKey);
    if (section !== undefined)
      channels.push(...(await channel.create(section, { metrics, log: ctx.log, ...(ctx.kafkaSend === undefined ? {} : { kafkaSend: ctx.kafkaSend }) })));
  }
  const rebuild = async (): Promise<LifecycleState> => {
    const windows = await readRecentWindows(ctx.store, ctx.endpoint, ctx.schedule, config.lifecycle.rebuild_windows, ctx.log);
    const state = replay(config.lifecycle, windows);
    const open = openAlerts(state);
    if (windows.length > 0) {
      logEvent(ctx.log, "alert_state_rebuilt", {
        windows: windows.length,
        last_window_start: state.lastWindowStartMs === undefined ? null : isoSeconds(state.lastWindowStartMs),
        open_alerts: open.map((a) => `${a.checkType}/${a.feature}`),
      });
    }
    return state;
  };
  const state = await rebuild();

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
      rebuild,
    }),
  ];
}
