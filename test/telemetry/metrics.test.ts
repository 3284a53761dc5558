import { describe, expect, it } from "vitest";
import { CHECK_TYPES } from "../../src/checks/Check.js";
import { MAX_FEATURE_LABELS, MonitorMetrics, OTHER_FEATURE, RECORD_OUTCOMES, WINDOW_CLOSE_LATENCY_BUCKETS } from "../../src/telemetry/metrics.js";
import { emptyCounts } from "../../src/windows/WindowCounts.js";
import { find, parseExposition, valueOf, type Exposition } from "./promText.js";

const P0 = { topic: "inference", partition: 0 };
const P1 = { topic: "inference", partition: 1 };

async function scrape(m: MonitorMetrics): Promise<Exposition> {
  return parseExposition(await m.text());
}

describe("MonitorMetrics", () => {
  it("declares every metric with its type and help, all outcomes at zero from the start", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    const exp = await scrape(m);
    expect(Object.fromEntries([...exp.types].filter(([n]) => n.startsWith("dqstream_")))).toEqual({
      dqstream_records_total: "counter",
      dqstream_records_consumed_total: "counter",
      dqstream_windows_closed_total: "counter",
      dqstream_violations_total: "counter",
      dqstream_consumer_lag_messages: "gauge",
      dqstream_open_windows: "gauge",
      dqstream_event_time_watermark_seconds: "gauge",
      dqstream_window_close_latency_seconds: "histogram",
      dqstream_dead_letters_total: "counter",
      dqstream_last_batch_timestamp_seconds: "gauge",
      dqstream_consumer_crashes_total: "counter",
      dqstream_blocked: "gauge",
      dqstream_delivery_retries_total: "counter",
      dqstream_checkpoints_repaired_total: "counter",
      dqstream_parts_read_total: "counter",
      dqstream_reporting: "gauge",
    });
    for (const name of exp.types.keys()) expect(exp.help.get(name)).toBeTruthy();
    for (const outcome of RECORD_OUTCOMES) expect(valueOf(exp, "dqstream_records_total", { outcome })).toBe(0);
    expect(valueOf(exp, "dqstream_windows_closed_total")).toBe(0);
    expect(valueOf(exp, "dqstream_consumer_crashes_total")).toBe(0);
    for (const destination of ["dead_letters", "reports"]) {
      expect(valueOf(exp, "dqstream_blocked", { destination })).toBe(0);
      expect(valueOf(exp, "dqstream_delivery_retries_total", { destination })).toBe(0);
    }
    for (const how of ["taken", "decoded"]) expect(valueOf(exp, "dqstream_parts_read_total", { how })).toBe(0);
    expect(valueOf(exp, "dqstream_reporting")).toBe(0);
    expect(m.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("includes the default process metrics under their standard names, on its own registry", async () => {
    const m = new MonitorMetrics();
    const exp = await scrape(m);
    expect(exp.types.get("process_cpu_seconds_total")).toBe("counter");
    expect(exp.types.get("nodejs_heap_size_used_bytes")).toBe("gauge");
    expect([...exp.types.keys()].some((n) => n.startsWith("dqstream_process") || n.startsWith("dqstream_nodejs"))).toBe(false);
    // A second instance is independent (no "already registered" clash, no shared values).
    const other = new MonitorMetrics();
    m.consumerCrashed();
    expect(valueOf(await scrape(other), "dqstream_consumer_crashes_total")).toBe(0);
    expect(valueOf(await scrape(m), "dqstream_consumer_crashes_total")).toBe(1);
  });

  it("recordOutcomes adds counted, skipped, late, malformed and hook errors", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.recordOutcomes({
      records: 10,
      items: 12,
      skipped: { shadow: 2, dropped: 3 },
      late: 4,
      malformed: { bad_json: 1, no_payload: 5 },
      hook_errors: { timeout: 6 },
    });
    m.recordOutcomes({ ...emptyCounts(), records: 1, late: 1 });
    const exp = await scrape(m);
    const by = (outcome: string): number | undefined => valueOf(exp, "dqstream_records_total", { outcome });
    expect(by("counted")).toBe(11);
    expect(by("skipped")).toBe(5);
    expect(by("late")).toBe(5);
    expect(by("malformed")).toBe(6);
    expect(by("hook_error")).toBe(6);
  });

  it("consumed, lag and watermark are per topic partition; watermark in seconds", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.consumed(P0, 100);
    m.consumed(P0, 50);
    m.consumed(P1, 7);
    m.consumed(P1, 0);
    m.lag(P0, 42);
    m.lag(P0, 40);
    m.lag(P1, 0);
    m.watermark(P0, 1_700_000_000_500);
    const exp = await scrape(m);
    expect(valueOf(exp, "dqstream_records_consumed_total", { topic: "inference", partition: "0" })).toBe(150);
    expect(valueOf(exp, "dqstream_records_consumed_total", { topic: "inference", partition: "1" })).toBe(7);
    expect(valueOf(exp, "dqstream_consumer_lag_messages", { topic: "inference", partition: "0" })).toBe(40);
    expect(valueOf(exp, "dqstream_consumer_lag_messages", { topic: "inference", partition: "1" })).toBe(0);
    expect(valueOf(exp, "dqstream_event_time_watermark_seconds", { topic: "inference", partition: "0" })).toBe(1_700_000_000.5);
    expect(valueOf(exp, "dqstream_event_time_watermark_seconds", { topic: "inference", partition: "1" })).toBeUndefined();
  });

  it("windowClosed counts the window, its violations by check type and feature, and the latency", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.windowClosed(
      [
        { feature_name: "age", constraint_check_type: "baseline_drift_check" },
        { feature_name: "age", constraint_check_type: "data_type_check" },
        { feature_name: "zip", constraint_check_type: "baseline_drift_check" },
      ],
      0.003,
    );
    m.windowClosed([{ feature_name: "age", constraint_check_type: "baseline_drift_check" }], 2);
    m.windowClosed([], 120);
    const exp = await scrape(m);
    expect(valueOf(exp, "dqstream_windows_closed_total")).toBe(3);
    const v = (check_type: string, feature: string): number | undefined => valueOf(exp, "dqstream_violations_total", { check_type, feature });
    expect(v("baseline_drift_check", "age")).toBe(2);
    expect(v("data_type_check", "age")).toBe(1);
    expect(v("baseline_drift_check", "zip")).toBe(1);
    expect(find(exp, "dqstream_violations_total")).toHaveLength(3);

    const name = "dqstream_window_close_latency_seconds";
    expect(valueOf(exp, `${name}_count`)).toBe(3);
    expect(valueOf(exp, `${name}_sum`)).toBeCloseTo(122.003, 9);
    const buckets = find(exp, `${name}_bucket`);
    expect(buckets.map((b) => b.labels["le"])).toEqual([...WINDOW_CLOSE_LATENCY_BUCKETS.map(String), "+Inf"]);
    const le = (x: string): number | undefined => valueOf(exp, `${name}_bucket`, { le: x });
    expect(le("0.001")).toBe(0);
    expect(le("0.0025")).toBe(0);
    expect(le("0.005")).toBe(1);
    expect(le("1")).toBe(1);
    expect(le("2.5")).toBe(2);
    expect(le("60")).toBe(2);
    expect(le("+Inf")).toBe(3);
  });

  it("has latency buckets from 1 ms to 60 s, increasing", () => {
    expect(WINDOW_CLOSE_LATENCY_BUCKETS[0]).toBe(0.001);
    expect(WINDOW_CLOSE_LATENCY_BUCKETS.at(-1)).toBe(60);
    for (let i = 1; i < WINDOW_CLOSE_LATENCY_BUCKETS.length; i++) {
      expect(WINDOW_CLOSE_LATENCY_BUCKETS[i]!).toBeGreaterThan(WINDOW_CLOSE_LATENCY_BUCKETS[i - 1]!);
    }
  });

  it("accepts every SageMaker check type as a label", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.windowClosed(
      CHECK_TYPES.map((t) => ({ feature_name: "f", constraint_check_type: t })),
      0.01,
    );
    const exp = await scrape(m);
    for (const t of CHECK_TYPES) expect(valueOf(exp, "dqstream_violations_total", { check_type: t, feature: "f" })).toBe(1);
  });

  it("escapes odd feature names in the exposition and they parse back verbatim", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    const odd = ['a"b\\c', "line1\nline2", "tab\there", "ünïcødé ✓", "{braces},=comma", ""];
    m.windowClosed(
      odd.map((f) => ({ feature_name: f, constraint_check_type: "extra_column_check" as const })),
      0.01,
    );
    const text = await m.text();
    expect(text).toContain('feature="a\\"b\\\\c"');
    expect(text).toContain('feature="line1\\nline2"');
    // Each sample stays on one line.
    for (const line of text.split("\n").filter((l) => l.startsWith("dqstream_violations_total"))) {
      expect(line).toMatch(/ 1$/);
    }
    const exp = parseExposition(text);
    for (const f of odd) {
      expect(valueOf(exp, "dqstream_violations_total", { check_type: "extra_column_check", feature: f })).toBe(1);
    }
  });

  it(`caps distinct feature labels at ${MAX_FEATURE_LABELS}, counting the rest as ${OTHER_FEATURE}`, async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    const features = Array.from({ length: MAX_FEATURE_LABELS + 25 }, (_, i) => `col_${i}`);
    m.windowClosed(
      features.map((f) => ({ feature_name: f, constraint_check_type: "extra_column_check" as const })),
      0.01,
    );
    // Known features keep their series (also under another check type); new ones go to __other__.
    m.windowClosed(
      [
        { feature_name: "col_0", constraint_check_type: "completeness_check" },
        { feature_name: `col_${MAX_FEATURE_LABELS - 1}`, constraint_check_type: "extra_column_check" },
        { feature_name: "brand_new", constraint_check_type: "extra_column_check" },
      ],
      0.01,
    );
    const exp = await scrape(m);
    const series = find(exp, "dqstream_violations_total");
    const distinct = new Set(series.map((s) => s.labels["feature"]));
    expect(distinct.size).toBe(MAX_FEATURE_LABELS + 1);
    expect(distinct.has(OTHER_FEATURE)).toBe(true);
    expect(distinct.has(`col_${MAX_FEATURE_LABELS}`)).toBe(false);
    expect(valueOf(exp, "dqstream_violations_total", { check_type: "extra_column_check", feature: OTHER_FEATURE })).toBe(26);
    expect(valueOf(exp, "dqstream_violations_total", { check_type: "completeness_check", feature: "col_0" })).toBe(1);
    expect(valueOf(exp, "dqstream_violations_total", { check_type: "extra_column_check", feature: `col_${MAX_FEATURE_LABELS - 1}` })).toBe(2);
    const total = series.reduce((n, s) => n + s.value, 0);
    expect(total).toBe(MAX_FEATURE_LABELS + 25 + 3);
  });

  it("dropPartition removes that partition's series only", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    for (const p of [P0, P1]) {
      m.consumed(p, 5);
      m.lag(p, 3);
      m.watermark(p, 1_000);
    }
    m.dropPartition(P0);
    m.dropPartition({ topic: "never-seen", partition: 9 });
    const exp = await scrape(m);
    for (const name of ["dqstream_records_consumed_total", "dqstream_consumer_lag_messages", "dqstream_event_time_watermark_seconds"]) {
      expect(find(exp, name, { partition: "0" })).toEqual([]);
      expect(find(exp, name, { topic: "inference", partition: "1" })).toHaveLength(1);
    }
    // Reassigned later: the series comes back, the counter from zero.
    m.consumed(P0, 2);
    expect(valueOf(await scrape(m), "dqstream_records_consumed_total", { topic: "inference", partition: "0" })).toBe(2);
  });

  it("openWindows, deadLetter, batchDone and consumerCrashed", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.openWindows(4);
    m.openWindows(3);
    m.deadLetter("malformed");
    m.deadLetter("malformed");
    m.deadLetter("too_large");
    m.batchDone(1_700_000_123_250);
    m.consumerCrashed();
    m.consumerCrashed();
    const exp = await scrape(m);
    expect(valueOf(exp, "dqstream_open_windows")).toBe(3);
    expect(valueOf(exp, "dqstream_dead_letters_total", { reason: "malformed" })).toBe(2);
    expect(valueOf(exp, "dqstream_dead_letters_total", { reason: "too_large" })).toBe(1);
    expect(valueOf(exp, "dqstream_last_batch_timestamp_seconds")).toBe(1_700_000_123.25);
    expect(valueOf(exp, "dqstream_consumer_crashes_total")).toBe(2);
  });

  it("ignores nonsense values instead of throwing into the consumer", async () => {
    const m = new MonitorMetrics({ defaultMetrics: false });
    m.consumed(P0, 3);
    expect(() => {
      m.consumed(P0, -1);
      m.consumed(P0, Number.NaN);
      m.recordOutcomes({ ...emptyCounts(), records: -5, late: Number.POSITIVE_INFINITY, skipped: { x: -1 } });
      m.lag(P0, Number.NaN);
      m.lag(P1, -3);
      m.watermark(P0, Number.NaN);
      m.openWindows(-1);
      m.batchDone(Number.NaN);
      m.windowClosed([], Number.NaN);
      m.windowClosed([], -1);
    }).not.toThrow();
    const exp = await scrape(m);
    expect(valueOf(exp, "dqstream_records_consumed_total", { topic: "inference", partition: "0" })).toBe(3);
    for (const outcome of RECORD_OUTCOMES) expect(valueOf(exp, "dqstream_records_total", { outcome })).toBe(0);
    expect(valueOf(exp, "dqstream_consumer_lag_messages", { topic: "inference", partition: "0" })).toBeUndefined();
    expect(valueOf(exp, "dqstream_consumer_lag_messages", { topic: "inference", partition: "1" })).toBe(0);
    expect(valueOf(exp, "dqstream_windows_closed_total")).toBe(2);
    expect(valueOf(exp, "dqstream_window_close_latency_seconds_count")).toBe(0);
  });
});
