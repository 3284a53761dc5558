import type { KafkaAlertsConfig } from "./alertsSchema.js";
import type { OutgoingMessage } from "../sources/kafka/kafkaClient.js";
import type { Logger } from "../telemetry/logger.js";
import type { AlertChannel } from "./AlertChannel.js";
import type { AlertEvent } from "./alertEvent.js";
import type { AlertMetrics } from "./alertMetrics.js";
import { DeliveryQueue, takeOne, type Attempt } from "../delivery/deliveryQueue.js";
import { logEvent } from "../telemetry/logEvents.js";

export type KafkaSend = (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;

/** Headers of every alert message, so consumers can filter without parsing the value. */
export const ALERT_HEADERS = { type: "dqstream-alert-type", contentType: "content-type" } as const;

interface Item {
  readonly events: readonly AlertEvent[];
  readonly messages: readonly OutgoingMessage[];
}

export function alertMessage(event: AlertEvent): OutgoingMessage & { readonly value: string } {
  return {
    key: event.fingerprint,
    value: JSON.stringify(event),
    headers: { [ALERT_HEADERS.type]: event.type, [ALERT_HEADERS.contentType]: "application/json" },
  };
}

/**
 * Produces each window's alert events to a topic through the monitor's producer (acks = all),
 * one send per window, keyed by fingerprint: one fingerprint's events land on one partition in
 * order, and a compacted topic keeps each fingerprint's latest state (`resolved` included, so a
 * reader of a compacted topic sees which alerts are open). kafkajs retries within a send; a send
 * that still fails is retried by the DeliveryQueue (src/delivery/) with backoff.
 */
export function kafkaChannel(config: KafkaAlertsConfig, send: KafkaSend, metrics: AlertMetrics, log: Logger): AlertChannel {
  const name = "kafka";
  const deliver = async (item: Item, stop: AbortSignal): Promise<Attempt> => {
    // kafkaSend takes no signal: on close, stop waiting for it (its outcome is then not counted)
    if (stop.aborted) return { ok: false, retryable: false, detail: "aborted: the run ended" };
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<Attempt>((resolve) => {
      onAbort = () => resolve({ ok: false, retryable: false, detail: "aborted: the run ended" });
      stop.addEventListener("abort", onAbort, { once: true });
    });
    const sent = send(config.topic, item.messages).then(
      (): Attempt => ({ ok: true }),
      (e: unknown): Attempt => ({ ok: false, retryable: true, detail: e instanceof Error ? e.message : String(e) }),
    );
    try {
      return await Promise.race([sent, aborted]);
    } finally {
      if (onAbort !== undefined) stop.removeEventListener("abort", onAbort);
    }
  };

  const failed = (item: Item, reason: string, detail: string): void => {
    logEvent(log, "alerts_not_produced", { channel: name, topic: config.topic, fingerprints: item.events.map((e) => e.fingerprint), reason, detail });
  };
  const queue = new DeliveryQueue<Item, Item>({
    policy: config,
    maxQueued: config.max_queued_events,
    deliver,
    take: takeOne,
    batchUnits: (item) => item.events.length,
    units: (item) => item.events.length,
    metrics: metrics.forChannel(name),
    hooks: {
      delivered: (item, attempts) => {
        logEvent(log, "alerts_produced", { channel: name, topic: config.topic, events: item.events.length, attempts });
      },
      failed: (item, reason, detail) => failed(item, reason, detail),
      dropped: (items, reason, detail) => {
        for (const item of items) failed(item, reason, detail);
      },
      retrying: (_item, attempt, detail, delayMs) => {
        logEvent(log, "alerts_produce_retry", { channel: name, topic: config.topic, attempt, detail, delay_ms: delayMs });
      },
    },
  });

  return {
    name,
    send(events) {
      if (events.length > 0) queue.push([{ events, messages: events.map(alertMessage) }]);
    },
    close: (timeoutMs) => queue.close(timeoutMs),
  };
}
