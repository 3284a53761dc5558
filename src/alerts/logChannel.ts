import type { Logger } from "../telemetry/logger.js";
import type { AlertChannel } from "./AlertChannel.js";
import type { AlertEvent } from "./alertEvent.js";
import type { AlertMetrics } from "./alertMetrics.js";

/** Each alert event as one log line: `warn` for open and repeat, `info` for resolved, the event under `alert`. */
export function logChannel(log: Logger, metrics: AlertMetrics): AlertChannel {
  const name = "log";
  metrics.channel(name);
  return {
    name,
    send(events: readonly AlertEvent[]) {
      for (const e of events) {
        const msg = `alert ${e.type}: ${e.check_type} on ${e.feature}`;
        if (e.type === "resolved") log.info({ alert: e }, msg);
        else log.warn({ alert: e }, msg);
        metrics.sent(name);
      }
    },
    close: async () => {},
  };
}
