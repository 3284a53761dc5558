/**
 * CloudWatch outage against a real moto server of the test's own (test/setup/moto.ts privateMoto):
 * the pipeline of replay/monitor (openPipeline) publishes window after window while moto is
 * stopped and started again. Reports are never held up or lost; datums given up during the outage
 * are counted in the registry (dqstream_cloudwatch_datums_dropped_total); metrics resume once moto
 * is back, including those queued while it was down.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RunConfigSchema } from "../../src/config/schema.js";
import { openPipeline, type Pipeline } from "../../src/engine/pipeline.js";
import { datumOptions } from "../../src/sinks/cloudwatch/index.js";
import { windowDatums } from "../../src/sinks/cloudwatch/datums.js";
import { readCaptureFiles } from "../../src/sources/file/captureFiles.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { privateMoto, readBackClient, useFakeAwsCredentials, type PrivateMoto } from "../setup/moto.js";
import { CONSTRAINTS, metricSeries, recentCaptures, recentStart, recentReports, STATISTICS, uniqueEndpoint, WINDOW_MS } from "./cloudwatchFixtures.js";

let tmp: string;
let moto: PrivateMoto;

beforeAll(async () => {
  useFakeAwsCredentials();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-cw-outage-"));
  moto = await privateMoto();
});

afterAll(async () => {
  await moto?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function metricValue(client: CloudWatchClient, endpoint: string, windowStart: number): Promise<number | undefined> {
  const q = { namespace: "dqstream", metric: "records_counted", endpoint, schedule: "s", stat: "Sum", fromMs: windowStart, toMs: windowStart + 2 * WINDOW_MS };
  return (await metricSeries(client, q)).get(windowStart + WINDOW_MS);
}

/** Polls `f` until it returns a value other than undefined (the sink sends in the background). */
async function eventually<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return m?.values.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value ?? 0;
}

it("keeps reporting through a CloudWatch outage, counts what it gave up, and resumes", async () => {
  const endpoint = uniqueEndpoint("outage");
  const { files, windowStarts } = await recentCaptures(tmp, recentStart());
  const config = RunConfigSchema.parse({
    baseline: { statistics: STATISTICS, constraints: CONSTRAINTS },
    reports_dir: join(tmp, "reports"),
    endpoint,
    schedule: "s",
    window_seconds: 600,
    cloudwatch: {
      enabled: true,
      endpoint_url: moto.url,
      region: "us-east-1",
      max_attempts: 15,
      backoff_initial_ms: 100,
      backoff_max_ms: 1_000,
      request_timeout_ms: 2_000,
      close_timeout_ms: 30_000,
    },
  });
  const registry = new Registry();
  const pipeline: Pipeline = await openPipeline(config, silentLogger(), { registry });
  const client = readBackClient(moto.url);
  const sent = () => metric(registry, "dqstream_cloudwatch_datums_sent_total");
  const dropped = () => metric(registry, "dqstream_cloudwatch_datums_dropped_total", { reason: "retries_exhausted" });
  const options = datumOptions(config.cloudwatch as NonNullable<typeof config.cloudwatch>, { endpoint, schedule: "s", baseline: pipeline.baseline });
  /** Runs one capture file (one window) through a fresh engine and reports it; returns how many datums it published. */
  const window = async (k: number): Promise<number> => {
    const engine = pipeline.newEngine({ confirmJumps: true });
    for await (const batch of readCaptureFiles([files[k] as string])) await pipeline.reporter.report((await engine.process(batch)).closed);
    const reports = await pipeline.reporter.report((await engine.finish()).closed);
    expect(reports.map((r) => r.startMs)).toEqual([windowStarts[k]]);
    return windowDatums(reports[0] as (typeof reports)[number], options).length;
  };
  const n: number[] = [];
  try {
    // 1. CloudWatch up: window 0 arrives
    n.push(await window(0));
    await eventually("window 0 in moto", () => metricValue(client, endpoint, windowStarts[0] as number));
    expect(await sent()).toBe(n[0]);

    // 2. CloudWatch down: window 1 is reported at once; its datums are retried, then given up and counted
    await moto.stop();
    n.push(await window(1));
    await eventually("window 1 given up", async () => ((await dropped()) >= (n[1] as number) ? true : undefined));
    expect(await dropped()).toBe(n[1]);
    expect(await sent()).toBe(n[0]);
    expect(await metric(registry, "dqstream_cloudwatch_requests_total", { outcome: "network" })).toBeGreaterThanOrEqual(15);

    // 3. Still down: window 2 is reported and queued; moto comes back (empty) within its retry budget
    n.push(await window(2));
    await moto.start();
    n.push(await window(3));
    expect(await eventually("window 2 in moto after the restart", () => metricValue(client, endpoint, windowStarts[2] as number))).toBe(80);
    expect(await eventually("window 3 in moto", () => metricValue(client, endpoint, windowStarts[3] as number))).toBe(80);
  } finally {
    await pipeline.close();
    client.destroy();
  }
  // after close every datum was sent or counted: windows 0, 2, 3 sent, window 1 given up
  expect(n).toHaveLength(4);
  for (const x of n) expect(x).toBeGreaterThan(40);
  expect(await sent()).toBe((n[0] as number) + (n[2] as number) + (n[3] as number));
  expect(await dropped()).toBe(n[1]);
  expect(await metric(registry, "dqstream_cloudwatch_datums_dropped_total", { reason: "shutdown" })).toBe(0);
  expect(await metric(registry, "dqstream_cloudwatch_queue_datums")).toBe(0);
  // no report was lost or held up
  expect([...(await recentReports(join(tmp, "reports"))).keys()].sort()).toEqual(windowStarts.slice(0, 4));
});
