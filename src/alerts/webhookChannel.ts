import type { WebhookConfig } from "./alertsSchema.js";
import type { Logger } from "../telemetry/logger.js";
import { secrets } from "../telemetry/redaction.js";
import type { AlertChannel } from "./AlertChannel.js";
import { slackMessage, type AlertEvent } from "./alertEvent.js";
import type { AlertMetrics } from "./alertMetrics.js";
import { DeliveryQueue, takeOne, type Attempt } from "../delivery/deliveryQueue.js";
import { logEvent } from "../telemetry/logEvents.js";

interface Item {
  readonly event: AlertEvent;
  readonly body: string;
}

/** HTTP statuses worth another attempt: timeouts, too early, rate limiting, server errors. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * POSTs each alert event to a URL (Node's built-in fetch, undici): the event itself (`json`) or
 * `{"text": …}` (`slack`), one request per event, in order, through a DeliveryQueue (timeout per
 * attempt, retries with backoff on network errors, timeouts, 408/425/429/5xx; other statuses are
 * final). Only the URL's origin is ever logged: the rest (a Slack webhook's path) is a secret, as
 * are the configured headers.
 */
export function webhookChannel(config: WebhookConfig, index: number, metrics: AlertMetrics, log: Logger): AlertChannel {
  const name = `webhook:${config.name ?? String(index)}`;
  const { url, authorization } = withoutCredentials(config.url);
  if (authorization !== undefined) secrets.add(authorization);
  const origin = new URL(url).origin;
  const configured = Object.keys(config.headers).some((h) => h.toLowerCase() === "authorization");
  const headers = {
    "content-type": "application/json",
    "user-agent": "dqstream-alerts",
    ...(authorization === undefined || configured ? {} : { authorization }),
    ...config.headers,
  };
  const deliver = async (item: Item, stop: AbortSignal): Promise<Attempt> => {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: item.body,
        signal: AbortSignal.any([stop, AbortSignal.timeout(config.timeout_ms)]),
      });
      // the body is not needed; cancelling it frees the connection
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { ok: true };
      const after = retryAfterMs(res.headers.get("retry-after"), Date.now());
      return { ok: false, retryable: retryableStatus(res.status), detail: `HTTP ${res.status}`, ...(after === undefined ? {} : { retryAfterMs: after }) };
    } catch (e) {
      return { ok: false, retryable: true, detail: describeFetchError(e, config.timeout_ms) };
    }
  };

  const failed = (item: Item, reason: string, detail: string): void => {
    logEvent(log, "alert_not_delivered", { channel: name, origin, fingerprint: item.event.fingerprint, type: item.event.type, reason, detail });
  };
  const queue = new DeliveryQueue<Item, Item>({
    policy: config,
    maxQueued: config.max_queued_events,
    deliver,
    take: takeOne,
    batchUnits: () => 1,
    metrics: metrics.forChannel(name),
    hooks: {
      delivered: (item, attempts) => {
        logEvent(log, "alert_delivered", { channel: name, origin, fingerprint: item.event.fingerprint, type: item.event.type, attempts });
      },
      failed: (item, reason, detail) => failed(item, reason, detail),
      dropped: (items, reason, detail) => {
        for (const item of items) failed(item, reason, detail);
      },
      retrying: (item, attempt, detail, delayMs) => {
        logEvent(log, "alert_delivery_retry", { channel: name, origin, fingerprint: item.event.fingerprint, attempt, detail, delay_ms: delayMs });
      },
    },
  });

  return {
    name,
    send(events) {
      queue.push(events.map((event) => ({ event, body: JSON.stringify(config.format === "slack" ? slackMessage(event) : event) })));
    },
    close: (timeoutMs) => queue.close(timeoutMs),
  };
}

/** "timed out after 5000 ms", "ECONNREFUSED", …: fetch's TypeError hides the reason in `cause`. */
function describeFetchError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === "TimeoutError") return `timed out after ${timeoutMs} ms`;
  if (e instanceof Error && e.name === "AbortError") return "aborted: the run ended";
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code !== undefined) return cause.code;
  if (cause?.message !== undefined) return cause.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * A URL's user-info as HTTP Basic credentials (RFC 9110 §11.2; what curl does with
 * `https://user:password@host`): fetch refuses a URL that includes credentials, with an error
 * quoting it whole, so they go into the Authorization header instead (unless one is configured).
 */
export function withoutCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (u.username === "" && u.password === "") return { url: raw };
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  return { url: u.href, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}
