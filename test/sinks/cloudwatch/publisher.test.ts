import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CloudWatchCallError, classifyError, type PutMetricDataApi } from "../../../src/sinks/cloudwatch/api.js";
import type { Batch } from "../../../src/sinks/cloudwatch/batching.js";
import type { Datum } from "../../../src/sinks/cloudwatch/datums.js";
import { backoffDelayMs } from "../../../src/delivery/retryPolicy.js";
import { CloudWatchPublisher, type PublisherOptions } from "../../../src/sinks/cloudwatch/publisher.js";
import { CloudWatchSinkMetrics } from "../../../src/sinks/cloudwatch/sinkMetrics.js";
import { silentLogger } from "../../../src/telemetry/logger.js";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

function datums(n: number, window = 0, namespace = "ns"): Datum[] {
  return Array.from({ length: n }, (_, i) => ({
    namespace,
    name: `m${i}`,
    dimensions: [{ name: "Endpoint", value: "e" }],
    timestampMs: NOW - 3_600_000 + window * 60_000,
    unit: "None" as const,
    value: i,
  }));
}

/** A fake CloudWatch: answers each call with the next scripted outcome (then success), records the batches. */
class FakeApi implements PutMetricDataApi {
  readonly calls: Batch[] = [];
  readonly accepted: Datum[] = [];
  constructor(private readonly script: Array<CloudWatchCallError | "hang"> = []) {}
  putMetricData(batch: Batch, signal: AbortSignal): Promise<void> {
    this.calls.push(batch);
    const next = this.script.shift();
    if (next === "hang") {
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }))));
    }
    if (next !== undefined) return Promise.reject(next);
    this.accepted.push(...batch.datums);
    return Promise.resolve();
  }
}

interface Harness {
  publisher: CloudWatchPublisher;
  metrics: CloudWatchSinkMetrics;
  registry: Registry;
  sleeps: number[];
}

function harness(api: PutMetricDataApi, over: Partial<PublisherOptions> = {}): Harness {
  const registry = new Registry();
  const metrics = new CloudWatchSinkMetrics(registry);
  const sleeps: number[] = [];
  const publisher = new CloudWatchPublisher({
    api,
    metrics,
    log: silentLogger(),
    retry: { max_attempts: 4, backoff_initial_ms: 100, backoff_max_ms: 1_000 },
    requestTimeoutMs: 5_000,
    queueMaxDatums: 10_000,
    closeTimeoutMs: 5_000,
    now: () => NOW,
    random: () => 0.999,
    sleep: async (ms) => void sleeps.push(ms),
    ...over,
  });
  return { publisher, metrics, registry, sleeps };
}

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

const throttled = (): CloudWatchCallError => new CloudWatchCallError("throttled", "Throttling: Rate exceeded", 400);
const server = (): CloudWatchCallError => new CloudWatchCallError("server", "InternalServiceError", 503);

describe("the publisher's backoff (full jitter, src/delivery/retryPolicy.ts)", () => {
  const backoffMs = (n: number, baseMs: number, maxMs: number, random: () => number): number =>
    backoffDelayMs({ max_attempts: 10, backoff_initial_ms: baseMs, backoff_max_ms: maxMs }, n, random);

  it("is uniform below min(max, base·2^(n-1))", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 100, 1_000, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, 100, 1_000, () => 0)).toBe(0);
    expect(backoffMs(3, 100, 1_000, () => 0.5)).toBe(200);
  });
});

describe("CloudWatchPublisher", () => {
  it("sends in batches of at most 1000 and counts what CloudWatch accepted", async () => {
    const api = new FakeApi();
    const h = harness(api);
    h.publisher.enqueue(datums(2_300));
    await h.publisher.flush();
    expect(api.calls.map((b) => b.datums.length)).toEqual([1000, 1000, 300]);
    expect(api.accepted).toHaveLength(2_300);
    expect(await counter(h.registry, "dqstream_cloudwatch_datums_sent_total")).toBe(2_300);
    expect(await counter(h.registry, "dqstream_cloudwatch_requests_total", { outcome: "ok" })).toBe(3);
  });

  it("retries throttling and 5xx with growing full-jitter waits, then succeeds", async () => {
    const api = new FakeApi([throttled(), server(), throttled()]);
    const h = harness(api);
    h.publisher.enqueue(datums(10));
    await h.publisher.flush();
    expect(api.calls).toHaveLength(4);
    expect(h.sleeps).toEqual([99, 199, 399]);
    expect(api.accepted).toHaveLength(10);
    expect(await counter(h.registry, "dqstream_cloudwatch_requests_total", { outcome: "throttled" })).toBe(2);
    expect(await counter(h.registry, "dqstream_cloudwatch_requests_total", { outcome: "server" })).toBe(1);
    expect(h.metrics.droppedSum).toBe(0);
  });

  it("gives a batch up after max_attempts and counts its datums as retries_exhausted", async () => {
    const api = new FakeApi([server(), server(), server(), server()]);
    const h = harness(api);
    h.publisher.enqueue(datums(7));
    await h.publisher.flush();
    expect(api.calls).toHaveLength(4);
    expect(await counter(h.registry, "dqstream_cloudwatch_datums_dropped_total", { reason: "retries_exhausted" })).toBe(7);
    expect(await counter(h.registry, "dqstream_cloudwatch_datums_sent_total")).toBe(0);
    // the next batch goes through once CloudWatch is back
    h.publisher.enqueue(datums(3, 1));
    await h.publisher.flush();
    expect(api.accepted).toHaveLength(3);
  });

  it("does not retry a request CloudWatch rejects (4xx), and counts it as rejected", async () => {
    const api = new FakeApi([new CloudWatchCallError("rejected", "InvalidParameterValue: bad", 400)]);
    const h = harness(api);
    h.publisher.enqueue(datums(5));
    await h.publisher.flush();
    expect(api.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(h.metrics.droppedTotal.rejected).toBe(5);
  });

  it("aborts an attempt after request_timeout_ms and retries it", async () => {
    const api = new FakeApi(["hang"]);
    const h = harness(api, { requestTimeoutMs: 100 });
    h.publisher.enqueue(datums(4));
    await h.publisher.flush();
    expect(api.calls).toHaveLength(2);
    expect(api.accepted).toHaveLength(4);
    expect(await counter(h.registry, "dqstream_cloudwatch_requests_total", { outcome: "timeout" })).toBe(1);
  });

  it("never blocks enqueue: beyond queue_max_datums the oldest datums are dropped and counted", async () => {
    const api = new FakeApi(["hang", "hang", "hang", "hang"]);
    const h = harness(api, { queueMaxDatums: 1_000, closeTimeoutMs: 0 });
    // three windows of 600 datums while CloudWatch hangs: 1800 > 1000
    h.publisher.enqueue(datums(600, 0));
    h.publisher.enqueue(datums(600, 1));
    h.publisher.enqueue(datums(600, 2));
    // window 0's 600 went in flight at once (the queue held 0 then); of the 1200 queued after, 200 overflowed
    expect(h.publisher.queued).toBe(1_000);
    expect(await counter(h.registry, "dqstream_cloudwatch_datums_dropped_total", { reason: "queue_full" })).toBe(200);
    expect(await counter(h.registry, "dqstream_cloudwatch_queue_datums")).toBe(1_000);
    await h.publisher.close();
    // the in-flight batch and the queue were given up at close: every datum is sent or counted
    expect(h.metrics.droppedTotal.shutdown).toBe(1_600);
    expect(h.metrics.sentTotal + h.metrics.droppedSum).toBe(1_800);
  });

  it("drops the oldest window first when the queue overflows", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: Datum[] = [];
    const api: PutMetricDataApi = {
      async putMetricData(batch) {
        await gate;
        sent.push(...batch.datums);
      },
    };
    const h = harness(api, { queueMaxDatums: 1_000 });
    h.publisher.enqueue(datums(10, 0)); // in flight
    h.publisher.enqueue(datums(600, 1, "a"));
    h.publisher.enqueue(datums(600, 2, "b"));
    expect(h.metrics.droppedTotal.queue_full).toBe(200);
    release();
    await h.publisher.flush();
    const windowOf = (d: Datum): number => (d.timestampMs - (NOW - 3_600_000)) / 60_000;
    expect(sent.filter((d) => windowOf(d) === 1)).toHaveLength(400);
    expect(sent.filter((d) => windowOf(d) === 2)).toHaveLength(600);
    // oldest first: window 1's namespace before window 2's
    expect(sent.map(windowOf)).toEqual([...new Array<number>(10).fill(0), ...new Array<number>(400).fill(1), ...new Array<number>(600).fill(2)]);
  });

  it("drops datums CloudWatch would refuse before sending, by reason", async () => {
    const api = new FakeApi();
    const h = harness(api);
    const good = datums(2);
    h.publisher.enqueue([...good, { ...(good[0] as Datum), value: Number.NaN }, { ...(good[0] as Datum), timestampMs: NOW - 20 * 86_400_000 }]);
    await h.publisher.flush();
    expect(api.accepted).toHaveLength(2);
    expect(h.metrics.droppedTotal.invalid_value).toBe(1);
    expect(h.metrics.droppedTotal.timestamp_out_of_range).toBe(1);
  });

  it("keeps retrying during close until close_timeout_ms, then gives up what is left as shutdown", async () => {
    const api = new FakeApi(["hang", "hang", "hang", "hang"]);
    const h = harness(api, { requestTimeoutMs: 60_000, closeTimeoutMs: 50 });
    h.publisher.enqueue(datums(1_500));
    await h.publisher.close();
    expect(h.metrics.droppedTotal.shutdown).toBe(1_500);
    h.publisher.enqueue(datums(5));
    expect(h.metrics.droppedTotal.shutdown).toBe(1_505);
  });

  it("reuses its counters when a second publisher registers on the same registry", () => {
    const registry = new Registry();
    const a = new CloudWatchSinkMetrics(registry);
    const b = new CloudWatchSinkMetrics(registry);
    a.sent(2);
    b.sent(3);
    return expect(counter(registry, "dqstream_cloudwatch_datums_sent_total")).resolves.toBe(5);
  });
});

describe("classifyError", () => {
  it.each([
    [{ name: "Throttling", $metadata: { httpStatusCode: 400 } }, false, "throttled"],
    [{ name: "Whatever", $metadata: { httpStatusCode: 429 } }, false, "throttled"],
    [{ name: "InternalServiceError", $fault: "server", $metadata: { httpStatusCode: 500 } }, false, "server"],
    [{ name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } }, false, "server"],
    [{ name: "InvalidParameterValueException", $fault: "client", $metadata: { httpStatusCode: 400 } }, false, "rejected"],
    [{ name: "AccessDenied", $metadata: { httpStatusCode: 403 } }, false, "rejected"],
    [{ name: "CredentialsProviderError", message: "Could not load credentials" }, false, "rejected"],
    [{ name: "Error", code: "ECONNREFUSED" }, false, "network"],
    [{ name: "TypeError", cause: { code: "ECONNRESET" } }, false, "network"],
    [{ name: "AbortError" }, false, "timeout"],
    [{ name: "Error" }, true, "timeout"],
  ])("%o (aborted %s) → %s", (e, aborted, kind) => {
    const c = classifyError(e, aborted);
    expect(c.kind).toBe(kind);
    expect(c.retryable).toBe(kind !== "rejected");
  });
});
