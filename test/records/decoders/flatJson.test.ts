import { describe, expect, it } from "vitest";
import { RecordFormatSchema, RECORD_DECODERS, createRecordDecoder } from "../../../src/records/decoders/index.js";
import { flatJsonDecoder } from "../../../src/records/decoders/flatJson/index.js";
import { sagemakerCaptureDecoder } from "../../../src/records/decoders/sagemakerCapture/index.js";
import { objectKeysOf, type FeatureLayout } from "../../../src/records/featureRow.js";
import { MAX_JSON_DEPTH } from "../../../src/records/jsonLimits.js";
import type { Decoded } from "../../../src/records/RecordDecoder.js";
import { MonitorEngine } from "../../../src/engine/MonitorEngine.js";
import { toStatistics } from "../../../src/profiles/toStatistics.js";
import type { PartitionKey, SourceRecord } from "../../../src/records/SourceRecord.js";
import { WindowManager } from "../../../src/windows/WindowManager.js";

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const LAYOUT: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };

function ok<T>(r: Decoded<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.value;
}

describe("flat_json decoder", () => {
  const plain = flatJsonDecoder();
  const timed = flatJsonDecoder({ event_time_field: "ts" });

  it("reads one JSON object per record as one row, nested objects flattened with dots, every key a JSON object key", () => {
    const record = ok(plain.decode('{"x":1.5,"c":"a","m":{"k":true},"n":null,"__proto__":2}'));
    expect(plain.skipReason(record)).toBeUndefined();
    const rows = ok(plain.rows(record, LAYOUT));
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect({ ...row }).toEqual({ x: 1.5, c: "a", "m.k": true, n: null, ["__proto__"]: 2 });
    expect(Object.hasOwn(row, "__proto__")).toBe(true);
    expect(objectKeysOf(rows[0] as never)).toBe("all");
  });

  it("refuses what is not one JSON object, with the envelope's reasons for bad JSON and deep nesting", () => {
    expect(plain.decode("{")).toMatchObject({ ok: false, reason: "invalid JSON" });
    expect(plain.decode(`{"a":${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}}`)).toEqual({
      ok: false,
      reason: "invalid payload",
      detail: `nesting deeper than ${MAX_JSON_DEPTH} levels`,
    });
    expect(plain.decode("[1,2]")).toEqual({ ok: false, reason: "not a JSON object", detail: "expected one JSON object per record, got an array" });
    expect(plain.decode("null")).toEqual({ ok: false, reason: "not a JSON object", detail: "expected one JSON object per record, got null" });
    expect(plain.decode("7")).toEqual({ ok: false, reason: "not a JSON object", detail: "expected one JSON object per record, got number" });
  });

  it("takes no event time of its own without event_time_field (the source's timestamp serves)", () => {
    const record = ok(plain.decode('{"x":1,"ts":"2026-11-01T00:00:05Z"}'));
    expect(plain.eventTimeMs(record)).toBeUndefined();
    expect(plain.missingEventTimeDetail(record)).toBe("no event_time_field configured and no source timestamp");
    expect(Object.keys(ok(plain.rows(record, LAYOUT))[0] as object)).toEqual(["x", "ts"]);
  });

  it("reads event_time_field as ISO-8601 with a zone or ms since the epoch; the field is not a feature", () => {
    const iso = ok(timed.decode('{"x":1,"ts":"2026-11-01T00:00:05Z"}'));
    expect(timed.eventTimeMs(iso)).toBe(T0 + 5000);
    expect(Object.keys(ok(timed.rows(iso, LAYOUT))[0] as object)).toEqual(["x"]);
    expect(timed.eventTimeMs(ok(timed.decode(`{"ts":${T0 + 7000}}`)))).toBe(T0 + 7000);
    for (const [text, detail] of [
      ['{"x":1}', 'no field "ts" and no source timestamp'],
      ['{"ts":"2026-02-30T00:00:00Z"}', 'unparsable "ts" "2026-02-30T00:00:00Z"'],
      ['{"ts":"yesterday"}', 'unparsable "ts" "yesterday"'],
      ['{"ts":true}', 'unparsable "ts" true'],
    ] as const) {
      const record = ok(timed.decode(text));
      expect(timed.eventTimeMs(record)).toBeUndefined();
      expect(timed.missingEventTimeDetail(record)).toBe(detail);
    }
  });
});

describe("record decoder registry", () => {
  it("names each decoder by its definition's name, sagemaker_capture the default, and validates record_format against it", async () => {
    for (const [name, d] of Object.entries(RECORD_DECODERS)) {
      expect(d.name).toBe(name);
      expect(d.kind).toBe("record_decoder");
    }
    expect(RecordFormatSchema.parse(undefined)).toBe("sagemaker_capture");
    expect(RecordFormatSchema.parse("flat_json")).toBe("flat_json");
    expect(RecordFormatSchema.safeParse("avro").success).toBe(false);
    expect(await createRecordDecoder("sagemaker_capture")).toBe(sagemakerCaptureDecoder);
  });

  it("builds a decoder with its options from its section of the config, validated by its schema", async () => {
    const d = await createRecordDecoder("flat_json", { flat_json: { event_time_field: "at" } });
    expect(d.eventTimeMs(ok(d.decode('{"at":"2026-11-01T00:00:01Z"}')))).toBe(T0 + 1000);
    await expect(createRecordDecoder("flat_json", { flat_json: { event_time_fields: "at" } })).rejects.toThrow(/event_time_fields/);
  });
});

describe("MonitorEngine over flat JSON messages", () => {
  const PARTITION: PartitionKey = { topic: "features", partition: 0 };
  const message = (offset: number, value: string, timestampMs?: number): SourceRecord => ({
    partition: PARTITION,
    position: { topic: "features", partition: 0, offset: String(offset) },
    value,
    ...(timestampMs === undefined ? {} : { timestampMs }),
  });

  it("windows records by the Kafka message time, keys them as JSON object keys (json_column_matching), dead-letters what is not an object", async () => {
    const engine = new MonitorEngine({
      decoder: flatJsonDecoder(),
      windows: new WindowManager({ windowMs: 60_000, allowedLatenessMs: 0 }),
      layout: LAYOUT,
      fallbackToSourceTimestamp: true,
    });
    const r = await engine.process([
      message(0, '{"label":1,"x":2.5,"c":"a"}', T0 + 1000),
      message(1, '{"label":0,"x":3.5,"c":"b"}', T0 + 2000),
      message(2, "[1,2,3]", T0 + 3000),
      message(3, '{"label":1,"x":1,"c":"a"}'),
      message(4, '{"label":1,"x":4,"c":"c"}', T0 + 61_000),
    ]);
    expect(r.deadLetters.map((l) => [l.reason, l.detail])).toEqual([
      ["not a JSON object", "expected one JSON object per record, got an array"],
      ["missing event time", "no event_time_field configured and no source timestamp"],
    ]);
    expect(r.closed).toHaveLength(1);
    const [w] = r.closed;
    expect(w?.counts).toMatchObject({ records: 2, items: 2, malformed: { "not a JSON object": 1, "missing event time": 1 } });
    expect([...(w?.profile.keyed ?? [])].sort()).toEqual(["c", "label", "x"]);
    const stats = toStatistics(w!.profile);
    expect(stats.dataset.item_count).toBe(2);
    expect(stats.features.map((f) => f.name)).toEqual(["label", "x", "c"]);
  });
});
