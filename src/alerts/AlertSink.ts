import type { LifecycleConfig } from "./alertsSchema.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { ReportSink } from "../sinks/ReportSink.js";
import type { Logger } from "../telemetry/logger.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import type { AlertChannel } from "./AlertChannel.js";
import { toAlertEvent, type AlertEvent } from "./alertEvent.js";
import type { AlertMetrics } from "./alertMetrics.js";
import { advance, isNewWindow, type LifecycleState, type WindowOutcome } from "./lifecycle.js";
import { logEvent } from "../telemetry/logEvents.js";

export interface AlertSinkOptions {
  readonly endpoint: string;
  readonly schedule: string;
  readonly lifecycle: LifecycleConfig;
  /** The state rebuilt from the reports on disk (or initialState()). */
  readonly state: LifecycleState;
  readonly channels: readonly AlertChannel[];
  readonly metrics: AlertMetrics;
  readonly log: Logger;
  readonly closeTimeoutMs: number;
  /** The state rebuilt again from the latest reports (the monitor's stage 2 calls it when this instance becomes the reporting one). */
  readonly rebuild?: () => Promise<LifecycleState>;
}

export function windowOutcome(r: WindowReport): WindowOutcome {
  return { startMs: r.startMs, endMs: r.endMs, folder: r.folder, hasData: r.itemCount > 0, violations: r.violations, evaluations: r.evaluations };
}

/**
 * The alerts ReportSink: each report advances the lifecycle, and the events it raises go to every
 * channel. `publish` is synchronous and cheap (the lifecycle is in memory, channels queue), so it
 * never holds up reporting. A window whose start is not after the last one seen (re-reported after
 * a restart, or seen in the reports on disk at start) raises nothing: publishing is idempotent
 * per window start.
 */
export class AlertSink implements ReportSink {
  readonly name = "alerts";
  readonly #o: AlertSinkOptions;
  #state: LifecycleState;

  constructor(options: AlertSinkOptions) {
    this.#o = options;
    this.#state = options.state;
  }

  /** The lifecycle state now (tests, diagnostics). */
  get state(): LifecycleState {
    return this.#state;
  }

  publish(reports: readonly WindowReport[]): void {
    for (const r of reports) {
      if (!isNewWindow(this.#state, r.startMs)) {
        logEvent(this.#o.log, "alert_window_already_seen", {
          window_start: isoSeconds(r.startMs),
          last_window_start: isoSeconds(this.#state.lastWindowStartMs as number),
        });
        continue;
      }
      const { state, transitions } = advance(this.#o.lifecycle, this.#state, windowOutcome(r));
      this.#state = state;
      if (transitions.length === 0) continue;
      const events: AlertEvent[] = transitions.map((t) => toAlertEvent(t, this.#o.endpoint, this.#o.schedule, this.#o.lifecycle.resolve_after_clean_windows));
      for (const e of events) this.#o.metrics.event(e.type);
      for (const channel of this.#o.channels) {
        try {
          channel.send(events);
        } catch (e) {
          // a channel breaking its never-throw contract must not cost the others their alerts
          logEvent(this.#o.log, "alert_channel_failed", { err: e, channel: channel.name });
        }
      }
    }
  }

  /** Replaces the lifecycle state with one rebuilt from the latest reports (another instance may have reported windows meanwhile). */
  async resync(): Promise<void> {
    if (this.#o.rebuild !== undefined) this.#state = await this.#o.rebuild();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#o.channels.map((c) => c.close(this.#o.closeTimeoutMs)));
  }
}
