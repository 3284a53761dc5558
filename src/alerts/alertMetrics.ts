import { Counter, Gauge, type Registry } from "prom-client";
import { FAILURE_REASONS, type DeliveryMetrics, type FailureReason } from "../delivery/deliveryMetrics.js";
import type { TransitionType } from "./lifecycle.js";

const TRANSITION_TYPES: readonly TransitionType[] = ["open", "repeat", "resolved"];

/**
 * The alerts' Prometheus counters, on the monitor's registry when there is one (replay has none:
 * the counters then live on no registry and are only read by tests). Channel label values:
 * `log`, `kafka`, `webhook:<name>` (never a URL: webhook URLs often hold secrets).
 */
export class AlertMetrics {
  readonly #events: Counter<"type">;
  readonly #sent: Counter<"channel">;
  readonly #failed: Counter<"channel" | "reason">;
  readonly #retried: Counter<"channel">;
  readonly #queued: Gauge<"channel">;

  constructor(registry?: Registry) {
    const registers = registry === undefined ? [] : [registry];
    this.#events = new Counter({
      name: "dqstream_alert_events_total",
      help: "Alert events raised by the lifecycle, by type (open, repeat, resolved).",
      labelNames: ["type"],
      registers,
    });
    this.#sent = new Counter({
      name: "dqstream_alerts_sent_total",
      help: "Alert events delivered, by channel (log, kafka, webhook:<name>).",
      labelNames: ["channel"],
      registers,
    });
    this.#failed = new Counter({
      name: "dqstream_alerts_failed_total",
      help: "Alert events given up, by channel and reason (attempts_exhausted, rejected, queue_full, shutdown).",
      labelNames: ["channel", "reason"],
      registers,
    });
    this.#retried = new Counter({
      name: "dqstream_alerts_retried_total",
      help: "Alert events whose delivery attempt failed and is tried again, by channel (one event may count several times).",
      labelNames: ["channel"],
      registers,
    });
    this.#queued = new Gauge({
      name: "dqstream_alerts_queued",
      help: "Alerts waiting for their channel, by channel (webhooks: events; kafka: windows' batches of events).",
      labelNames: ["channel"],
      registers,
    });
    for (const type of TRANSITION_TYPES) this.#events.inc({ type }, 0);
  }

  /** Exports the channel's series at 0, so rate() and absent() work before the first alert. */
  channel(channel: string): void {
    this.#sent.inc({ channel }, 0);
    for (const reason of FAILURE_REASONS) this.#failed.inc({ channel, reason }, 0);
    this.#retried.inc({ channel }, 0);
    this.#queued.set({ channel }, 0);
  }

  /** The channel's delivery outcomes, in events, for its DeliveryQueue (src/delivery/). */
  forChannel(channel: string): DeliveryMetrics {
    this.channel(channel);
    return {
      delivered: (n) => this.sent(channel, n),
      retried: (n) => {
        if (n > 0) this.#retried.inc({ channel }, n);
      },
      failed: (reason, n) => this.failed(channel, reason, n),
      queued: (depth) => this.#queued.set({ channel }, depth),
    };
  }

  event(type: TransitionType): void {
    this.#events.inc({ type });
  }

  sent(channel: string, n = 1): void {
    if (n > 0) this.#sent.inc({ channel }, n);
  }

  failed(channel: string, reason: FailureReason, n = 1): void {
    if (n > 0) this.#failed.inc({ channel, reason }, n);
  }

  /** Current values, for tests and summaries. */
  async snapshot(): Promise<{ events: Record<string, number>; sent: Record<string, number>; failed: Record<string, number> }> {
    const read = async (c: Counter<string>, key: (labels: Record<string, string | number | undefined>) => string): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const v of (await c.get()).values) out[key(v.labels)] = v.value;
      return out;
    };
    return {
      events: await read(this.#events, (l) => String(l["type"])),
      sent: await read(this.#sent, (l) => String(l["channel"])),
      failed: await read(this.#failed, (l) => `${String(l["channel"])}/${String(l["reason"])}`),
    };
  }
}
