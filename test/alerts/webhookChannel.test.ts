// Webhook delivery against a local HTTP server: order, headers, retries on 5xx, timeouts, final
// 4xx, the Slack format, the bounded queue, close, and that the URL's secret never reaches the logs.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toAlertEvent, type AlertEvent } from "../../src/alerts/alertEvent.js";
import { AlertMetrics } from "../../src/alerts/alertMetrics.js";
import { advance, initialState } from "../../src/alerts/lifecycle.js";
import { retryAfterMs, webhookChannel } from "../../src/alerts/webhookChannel.js";
import { WebhookSchema } from "../../src/alerts/alertsSchema.js";
import { backoffDelayMs } from "../../src/delivery/retryPolicy.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { lifecycle, w } from "./support.js";
import { startWebhookServer, type Answer, type WebhookServer } from "./webhookServer.js";

const servers: WebhookServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(answer?: (i: number) => Answer): Promise<WebhookServer> {
  const s = await startWebhookServer(answer);
  servers.push(s);
  return s;
}

/** `n` open events for features f0, f1, … in one window. */
function events(n: number): AlertEvent[] {
  const specs = Array.from({ length: n }, (_, i) => `drift:f${i}`);
  const { transitions } = advance(lifecycle(), initialState(), w(2, specs));
  return transitions.map((t) => toAlertEvent(t, "ep", "sch", 1));
}

function setup(url: string, options: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const metrics = new AlertMetrics();
  const channel = webhookChannel(WebhookSchema.parse({ url, backoff_initial_ms: 5, backoff_max_ms: 20, ...options }), 0, metrics, createLogger("debug", sink));
  return { channel, metrics, lines };
}

const fingerprints = (s: WebhookServer): string[] => s.received.map((r) => (JSON.parse(r.body) as AlertEvent).fingerprint);

describe("webhook channel", () => {
  it("POSTs each event as JSON, in order, with the configured headers", async () => {
    const s = await server();
    const { channel, metrics } = setup(s.url, { headers: { Authorization: "Bearer t0ken" } });
    const sent = events(3);
    channel.send(sent);
    await channel.close(30_000);
    expect(s.delivered).toEqual(sent);
    const [first] = s.received;
    expect(first?.method).toBe("POST");
    expect(first?.path).toBe("/hooks/T000/B000/secret-token");
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.headers["authorization"]).toBe("Bearer t0ken");
    expect((await metrics.snapshot()).sent).toEqual({ "webhook:0": 3 });
  });

  it("retries a 500 and a 503 with backoff, then delivers the same body", async () => {
    const s = await server((i) => (i === 0 ? 500 : i === 1 ? { status: 503, headers: { "retry-after": "0" } } : 200));
    const { channel, metrics } = setup(s.url);
    channel.send(events(1));
    await channel.close(30_000);
    expect(s.received.length).toBe(3);
    expect(new Set(s.received.map((r) => r.body)).size).toBe(1);
    expect(s.delivered.length).toBe(1);
    const snap = await metrics.snapshot();
    expect(snap.sent["webhook:0"]).toBe(1);
    expect(Object.values(snap.failed).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("abandons an attempt after timeout_ms and retries it", async () => {
    const s = await server((i) => (i === 0 ? "hold" : 200));
    const { channel, metrics, lines } = setup(s.url, { timeout_ms: 200 });
    channel.send(events(1));
    await channel.close(30_000);
    expect(s.received.length).toBe(2);
    expect(s.delivered.length).toBe(1);
    expect((await metrics.snapshot()).sent["webhook:0"]).toBe(1);
    expect(lines.some((l) => l.includes("timed out after 200 ms"))).toBe(true);
  });

  it("gives up after max_attempts, counts and logs it without the URL's secret", async () => {
    const s = await server(() => 500);
    const { channel, metrics, lines } = setup(s.url, { max_attempts: 3, headers: { Authorization: "Bearer t0ken" } });
    channel.send(events(1));
    await channel.close(30_000);
    expect(s.received.length).toBe(3);
    expect((await metrics.snapshot()).failed["webhook:0/attempts_exhausted"]).toBe(1);
    const warn = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l["msg"] === "alert not delivered");
    expect(warn).toMatchObject({ channel: "webhook:0", reason: "attempts_exhausted", origin: new URL(s.url).origin });
    expect(String(warn?.["detail"])).toContain("HTTP 500");
    expect(lines.join("\n")).not.toContain("secret-token");
    expect(lines.join("\n")).not.toContain("t0ken");
  });

  it("a 400 is final: one attempt, counted as rejected", async () => {
    const s = await server(() => 400);
    const { channel, metrics } = setup(s.url);
    channel.send(events(1));
    await channel.close(30_000);
    expect(s.received.length).toBe(1);
    expect((await metrics.snapshot()).failed["webhook:0/rejected"]).toBe(1);
  });

  it("a refused connection is retried and then counted", async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    servers.splice(0);
    const { channel, metrics, lines } = setup(url, { max_attempts: 2 });
    channel.send(events(1));
    await channel.close(30_000);
    expect((await metrics.snapshot()).failed["webhook:0/attempts_exhausted"]).toBe(1);
    expect(lines.some((l) => l.includes("ECONNREFUSED"))).toBe(true);
  });

  it("slack format: a {text} body naming the alert", async () => {
    const s = await server();
    const { channel } = setup(s.url, { format: "slack", name: "oncall" });
    channel.send(events(1));
    await channel.close(30_000);
    expect(channel.name).toBe("webhook:oncall");
    expect(Object.keys(s.delivered[0] as object)).toEqual(["text"]);
    expect((s.delivered[0] as { text: string }).text).toMatch(/^:rotating_light: \*OPEN\* ep\/sch: baseline_drift_check on `f0`\n/);
  });

  it("a full queue drops its oldest waiting event and counts it; the rest are delivered in order", async () => {
    // the first attempt is held until it times out (and, with one attempt, is given up)
    const s = await server((i) => (i === 0 ? "hold" : 200));
    const { channel, metrics } = setup(s.url, { max_queued_events: 2, max_attempts: 1, timeout_ms: 300 });
    const [e0, e1, e2, e3] = events(4) as [AlertEvent, AlertEvent, AlertEvent, AlertEvent];
    channel.send([e0]); // in flight
    channel.send([e1, e2]); // waiting
    channel.send([e3]); // e1, the oldest waiting, is dropped
    await channel.close(30_000);
    expect(fingerprints(s)).toEqual([e0.fingerprint, e2.fingerprint, e3.fingerprint]);
    const snap = await metrics.snapshot();
    expect(snap.failed["webhook:0/queue_full"]).toBe(1);
    expect(snap.failed["webhook:0/attempts_exhausted"]).toBe(1);
    expect(snap.sent["webhook:0"]).toBe(2);
  });

  it("send returns before delivery; close gives up after its timeout and counts what is left", async () => {
    const s = await server(() => "hold");
    const { channel, metrics } = setup(s.url, { timeout_ms: 600_000 });
    channel.send(events(3));
    await vi.waitFor(() => expect(s.received.length).toBe(1));
    expect((await metrics.snapshot()).sent["webhook:0"]).toBe(0);
    await channel.close(50);
    const snap = await metrics.snapshot();
    expect(snap.failed["webhook:0/shutdown"]).toBe(3);
    expect(snap.sent["webhook:0"]).toBe(0);
    // after close, events are refused and counted
    channel.send(events(1));
    expect((await metrics.snapshot()).failed["webhook:0/shutdown"]).toBe(4);
  });
});

describe("delivery timing rules", () => {
  const policy = { max_attempts: 10, backoff_initial_ms: 100, backoff_max_ms: 1_000, max_queued_events: 10 };

  // 0.3: full jitter (src/delivery/retryPolicy.ts), floor(random · min(backoff_max_ms, backoff_initial_ms · 2^(attempt−1)));
  // 0.2 had equal jitter (half fixed, half random)
  it("backoff is uniform below a cap doubling per attempt up to backoff_max_ms (full jitter)", () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(policy, a, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(policy, a, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(policy, 60, () => 0.5)).toBe(500);
  });

  it("Retry-After raises the delay, up to backoff_max_ms", () => {
    expect(backoffDelayMs(policy, 1, () => 0, 700)).toBe(700);
    expect(backoffDelayMs(policy, 1, () => 0, 90_000)).toBe(1_000);
    expect(retryAfterMs("3", 0)).toBe(3_000);
    expect(retryAfterMs("Thu, 01 Jan 1970 00:00:10 GMT", 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs("soon", 0)).toBeUndefined();
  });
});
