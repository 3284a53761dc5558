import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedBaseline } from "../../../src/baseline/loadBaseline.js";
import { windowDatums, type Datum } from "../../../src/sinks/cloudwatch/datums.js";
import { EMF_LIMITS, emfEvents } from "../../../src/sinks/cloudwatch/emf.js";
import { EmfSink } from "../../../src/sinks/cloudwatch/emfSink.js";
import { CloudWatchSinkMetrics } from "../../../src/sinks/cloudwatch/sinkMetrics.js";
import type { WindowReport } from "../../../src/reports/WindowReport.js";
import { silentLogger } from "../../../src/telemetry/logger.js";
import { csvStartReports } from "./support.js";

interface Event {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [k: string]: unknown;
}

const T = Date.UTC(2026, 10, 26, 12, 0, 0);
const dims = [
  { name: "Endpoint", value: "churn" },
  { name: "MonitoringSchedule", value: "hourly" },
];
const scalar = (name: string, value: number, over: Partial<Datum> = {}): Datum => ({
  namespace: "ns",
  name,
  dimensions: dims,
  timestampMs: T,
  unit: "None",
  value,
  ...over,
});

let reports: WindowReport[];
let loaded: LoadedBaseline;
let tmp: string;
beforeAll(async () => {
  ({ reports, baseline: loaded } = await csvStartReports());
  tmp = await mkdtemp(join(tmpdir(), "dqstream-emf-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Checks an event against the EMF specification's structure; returns it parsed. */
function checkEvent(line: string): Event {
  expect(Buffer.byteLength(line, "utf8")).toBeLessThan(EMF_LIMITS.maxEventBytes);
  const e = JSON.parse(line) as Event;
  expect(Object.keys(e._aws).sort()).toEqual(["CloudWatchMetrics", "Timestamp"]);
  expect(Number.isInteger(e._aws.Timestamp)).toBe(true);
  expect(e._aws.CloudWatchMetrics).toHaveLength(1);
  const d = e._aws.CloudWatchMetrics[0] as Event["_aws"]["CloudWatchMetrics"][number];
  expect(d.Metrics.length).toBeGreaterThanOrEqual(0);
  expect(d.Metrics.length).toBeLessThanOrEqual(100);
  // every dimension and every metric is a root member; metric values are numbers
  for (const name of d.Dimensions.flat()) expect(typeof e[name]).toBe("string");
  for (const m of d.Metrics) expect(typeof e[m.Name]).toBe("number");
  return e;
}

describe("emfEvents", () => {
  it("writes a window's metrics as EMF events: namespace, dimension set, timestamp = window end, values as members", () => {
    const r = reports[1] as WindowReport;
    const ds = windowDatums(r, {
      namespace: "aws/sagemaker/Endpoints/data-metrics",
      ownNamespace: "dqstream",
      ownMetrics: true,
      dimensions: [
        ["Endpoint", "churn"],
        ["MonitoringSchedule", "ten-minutes"],
      ],
      baseline: loaded.baseline,
    });
    const events = emfEvents(ds).map(checkEvent);
    // one event for the feature metrics, one for the own metrics, one per check type (its own CheckType value)
    expect(events).toHaveLength(2 + 6);
    const feature = events[0] as Event;
    expect(feature._aws.Timestamp).toBe(r.endMs);
    expect(feature._aws.CloudWatchMetrics[0]?.Namespace).toBe("aws/sagemaker/Endpoints/data-metrics");
    expect(feature._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["Endpoint", "MonitoringSchedule"]]);
    expect(feature["Endpoint"]).toBe("churn");
    const drift = ds.find((d) => d.name === "feature_baseline_drift_day_mins");
    expect(feature["feature_baseline_drift_day_mins"]).toBe(drift?.value);
    // statistic sets are members for Logs Insights, not metrics (EMF has no statistic sets)
    const stats = ds.find((d) => d.name === "feature_data_day_mins")?.stats;
    expect(feature["feature_data_day_mins"]).toEqual({ SampleCount: stats?.sampleCount, Sum: stats?.sum, Minimum: stats?.min, Maximum: stats?.max });
    expect(feature._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).not.toContain("feature_data_day_mins");
    const byType = events.filter((e) => e._aws.CloudWatchMetrics[0]?.Dimensions[0]?.includes("CheckType"));
    expect(byType.map((e) => e["CheckType"])).toEqual([
      "data_type_check",
      "completeness_check",
      "baseline_drift_check",
      "missing_column_check",
      "extra_column_check",
      "categorical_values_check",
    ]);
    expect(byType.every((e) => e._aws.CloudWatchMetrics[0]?.Namespace === "dqstream" && typeof e["violations"] === "number")).toBe(true);
  });

  it("splits more than 100 metrics into directives of at most 100, losing none", () => {
    const ds = Array.from({ length: 250 }, (_, i) => scalar(`feature_non_null_f${i}`, i / 250));
    const events = emfEvents(ds).map(checkEvent);
    expect(events.map((e) => e._aws.CloudWatchMetrics[0]?.Metrics.length)).toEqual([100, 100, 50]);
    const values = events.flatMap((e) => (e._aws.CloudWatchMetrics[0]?.Metrics ?? []).map((m) => [m.Name, e[m.Name]]));
    expect(values).toEqual(ds.map((d) => [d.name, d.value]));
  });

  it("keeps every event under 256 KB when names are long", () => {
    // 100 metrics of ~3 KB names would be ~600 KB in one event
    const ds = Array.from({ length: 100 }, (_, i) => scalar(`feature_non_null_${"x".repeat(3_000)}${i}`, i));
    const events = emfEvents(ds);
    expect(events.length).toBeGreaterThan(2);
    const names = events.map(checkEvent).flatMap((e) => e._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name) ?? []);
    expect(names).toEqual(ds.map((d) => d.name));
  });

  it("groups by timestamp and dimensions: different windows are different events", () => {
    const events = emfEvents([scalar("a", 1), scalar("a", 2, { timestampMs: T + 600_000 }), scalar("b", 3)]).map(checkEvent);
    expect(events.map((e) => [e._aws.Timestamp, e["a"], e["b"]])).toEqual([
      [T, 1, 3],
      [T + 600_000, 2, undefined],
    ]);
  });
});

describe("EmfSink", () => {
  it("appends one JSON line per event to a file, and counts them", async () => {
    const file = join(tmp, "sub", "emf.log");
    const registry = new Registry();
    const metrics = new CloudWatchSinkMetrics(registry);
    const sink = await EmfSink.open(file, () => [scalar("a", 1), scalar("b", 2, { namespace: "other" })], metrics, silentLogger());
    sink.publish(reports.slice(0, 3));
    await sink.close();
    const lines = (await readFile(file, "utf8")).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(6);
    lines.forEach(checkEvent);
    const written = await registry.getSingleMetric("dqstream_emf_events_written_total")?.get();
    expect(written?.values[0]?.value).toBe(6);
  });

  it('writes to standard output for path "-"', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const sink = await EmfSink.open("-", () => [scalar("a", 1)], new CloudWatchSinkMetrics(), silentLogger(), out);
    sink.publish(reports.slice(0, 2));
    await sink.close();
    const lines = chunks.join("").trim().split("\n");
    expect(lines.map((l) => checkEvent(l)["a"])).toEqual([1, 1]);
  });

  it("fails to open an unwritable path with an error naming it", async () => {
    const file = join(tmp, "dir-as-file");
    await (await import("node:fs/promises")).mkdir(file);
    await expect(EmfSink.open(file, () => [], new CloudWatchSinkMetrics(), silentLogger())).rejects.toThrow(`cloudwatch.emf.path ${file}: cannot open: EISDIR`);
  });
});
