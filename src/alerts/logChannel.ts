import type { Logger } from "../telemetry/logger.js";
import type { AlertChannel } from "./AlertChannel.js";
import type { AlertEvent } from "./alertEvent.js";
import type { AlertMetrics } from "./alertMetrics.js";
import { logEvent } from "../telemetry/logEvents.js";

/** Each alert event as one log line: `warn` for open and repeat, `info` for resolved, the event under `alert`. */
export function logChannel(log: Logger, metrics: AlertMetrics): AlertChannel {
  const name = "log";
  metrics.channel(name);
  return {
    name,
    send(events: readonly AlertEvent[]) {
      for (const e of events) {
        logEvent(log, `alert_${e.type}`, { alert: e });
        metrics.sent(name);
      }
    },
    close: async () => {},
  };
}
