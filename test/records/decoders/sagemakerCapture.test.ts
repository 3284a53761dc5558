import { describe, expect, it } from "vitest";
import {
  captureRows,
  decodePayload,
  inferenceTimeMs,
  isShadowTraffic,
  parseCaptureRecord,
  type CaptureRecord,
  type EventData,
} from "../../../src/records/decoders/sagemakerCapture/captureRecord.js";
import type { FeatureLayout } from "../../../src/records/featureRow.js";

function side(data: string, encoding: "CSV" | "JSON" | "BASE64", observedContentType?: string): EventData {
  return observedContentType === undefined ? { data, encoding } : { observedContentType, data, encoding };
}

function record(input: EventData | undefined, output: EventData | undefined, meta?: Record<string, unknown>): CaptureRecord {
  const captureData: Record<string, unknown> = {};
  if (input !== undefined) captureData["endpointInput"] = { mode: "INPUT", ...input };
  if (output !== undefined) captureData["endpointOutput"] = { mode: "OUTPUT", ...output };
  const parsed = parseCaptureRecord(JSON.stringify({ captureData, ...(meta === undefined ? {} : { eventMetadata: meta }), eventVersion: "0" }));
  if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
  return parsed.value;
}

const csv = (data: string): EventData => side(data, "CSV", "text/csv");
const json = (data: string): EventData => side(data, "JSON", "application/json");
const b64 = (text: string, type?: string): EventData => side(Buffer.from(text, "utf8").toString("base64"), "BASE64", type);

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string; detail: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.value;
}

function failure(r: { ok: boolean; reason?: string; detail?: string }): { reason: string | undefined; detail: string | undefined } {
  expect(r.ok).toBe(false);
  return { reason: r.reason, detail: r.detail };
}

describe("parseCaptureRecord", () => {
  it("reads a SageMaker capture line and keeps unknown keys", () => {
    const line =
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"5,a","encoding":"CSV"},' +
      '"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"1\\n","encoding":"CSV"}},' +
      '"eventMetadata":{"eventId":"e-1","inferenceTime":"2026-11-01T00:00:05Z","extra":1},"eventVersion":"0","custom":[1]}';
    const r = ok(parseCaptureRecord(line));
    expect(r.captureData.endpointInput?.data).toBe("5,a");
    expect(r.captureData.endpointOutput?.data).toBe("1\n");
    expect(r.eventMetadata?.eventId).toBe("e-1");
    expect((r as Record<string, unknown>)["custom"]).toEqual([1]);
    expect((r.eventMetadata as Record<string, unknown>)["extra"]).toBe(1);
  });

  it("accepts a record with only endpointInput or only endpointOutput", () => {
    expect(parseCaptureRecord('{"captureData":{"endpointInput":{"data":"1","encoding":"CSV"}}}').ok).toBe(true);
    expect(parseCaptureRecord('{"captureData":{"endpointOutput":{"data":"1","encoding":"JSON"}}}').ok).toBe(true);
  });

  it("invalid JSON", () => {
    const f = failure(parseCaptureRecord('{"captureData":'));
    expect(f.reason).toBe("invalid JSON");
    expect(f.detail).toMatch(/JSON/);
    expect(failure(parseCaptureRecord("")).reason).toBe("invalid JSON");
  });

  it("JSON that is not an object is not a capture record, at path $", () => {
    for (const text of ["[1]", '"x"', "null", "42"]) {
      const f = failure(parseCaptureRecord(text));
      expect(f.reason).toBe("not a capture record");
      expect(f.detail).toMatch(/^\$: /);
    }
  });

  it("missing captureData", () => {
    const f = failure(parseCaptureRecord('{"eventMetadata":{"inferenceTime":"2026-11-01T00:00:05Z"}}'));
    expect(f).toEqual({ reason: "not a capture record", detail: expect.stringMatching(/^\$\.captureData: /) });
  });

  it("captureData without endpointInput and endpointOutput", () => {
    const f = failure(parseCaptureRecord('{"captureData":{"somethingElse":{}}}'));
    expect(f.reason).toBe("not a capture record");
    expect(f.detail).toBe("$.captureData: expected endpointInput or endpointOutput");
  });

  it("a bad encoding value names the JSON path", () => {
    const f = failure(parseCaptureRecord('{"captureData":{"endpointInput":{"data":"1","encoding":"XML"}}}'));
    expect(f.reason).toBe("not a capture record");
    expect(f.detail).toMatch(/^\$\.captureData\.endpointInput\.encoding: /);
    expect(f.detail).toContain("BASE64");
  });

  it("missing data, and wrongly typed metadata, name their paths", () => {
    expect(failure(parseCaptureRecord('{"captureData":{"endpointOutput":{"encoding":"CSV"}}}')).detail).toMatch(/^\$\.captureData\.endpointOutput\.data: /);
    expect(failure(parseCaptureRecord('{"captureData":{"endpointInput":{"data":"1","encoding":"CSV"}},"eventMetadata":{"inferenceTime":5}}')).detail).toMatch(
      /^\$\.eventMetadata\.inferenceTime: /,
    );
  });
});

describe("inferenceTimeMs", () => {
  const at = (inferenceTime: string | undefined): number | undefined =>
    inferenceTimeMs(record(csv("1"), undefined, inferenceTime === undefined ? {} : { inferenceTime }));

  it("reads ISO-8601 UTC with Z", () => {
    expect(at("2026-11-01T00:00:05Z")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
    expect(at("2022-04-18T00:21:48Z")).toBe(Date.UTC(2022, 3, 18, 0, 21, 48));
  });

  it("applies zone offsets, with or without a colon", () => {
    expect(at("2026-11-01T01:00:05+01:00")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
    expect(at("2026-11-01T01:00:05+0100")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
    expect(at("2026-10-31T21:30:05-02:30")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
    expect(at("2026-11-01T00:00:05+00:00")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
  });

  it("keeps fractional seconds (to the millisecond)", () => {
    expect(at("2026-11-01T00:00:05.5Z")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5, 500));
    expect(at("2026-11-01T00:00:05.123Z")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5, 123));
    expect(at("2026-11-01T00:00:05.123456789Z")).toBe(Date.UTC(2026, 10, 1, 0, 0, 5, 123));
  });

  it("accepts leap days", () => {
    expect(at("2028-02-29T12:00:00Z")).toBe(Date.UTC(2028, 1, 29, 12));
  });

  it("rejects text, times without a zone, dates without a time, and impossible dates", () => {
    for (const t of [
      "yesterday",
      "",
      "2026-11-01T00:00:05", // no zone
      "2026-11-01", // no time
      "2026-11-01 00:00:05Z", // no T
      "1793491205000", // epoch ms as a string
      "2026-13-01T00:00:00Z",
      "2026-11-31T00:00:00Z", // November has 30 days (Date.parse would roll over to December 1)
      "2026-02-29T00:00:00Z", // not a leap year
      "2026-11-01T25:00:00Z",
    ]) {
      expect(at(t), t).toBeUndefined();
    }
  });

  it("is undefined without eventMetadata or inferenceTime", () => {
    expect(at(undefined)).toBeUndefined();
    expect(inferenceTimeMs(record(csv("1"), undefined))).toBeUndefined();
  });
});

describe("isShadowTraffic", () => {
  it("is true only for invocationSource ShadowExperiment", () => {
    expect(isShadowTraffic(record(csv("1"), undefined, { invocationSource: "ShadowExperiment" }))).toBe(true);
    expect(isShadowTraffic(record(csv("1"), undefined, { invocationSource: "shadowexperiment" }))).toBe(false);
    expect(isShadowTraffic(record(csv("1"), undefined, { invocationSource: "Production" }))).toBe(false);
    expect(isShadowTraffic(record(csv("1"), undefined, {}))).toBe(false);
    expect(isShadowTraffic(record(csv("1"), undefined))).toBe(false);
  });
});

describe("decodePayload: CSV", () => {
  it("one row per line, fields as strings", () => {
    expect(ok(decodePayload(csv("5,a,1.5")))).toEqual([{ kind: "fields", fields: ["5", "a", "1.5"] }]);
    expect(ok(decodePayload(csv("1,2\n3,4\r\n5,6")))).toEqual([
      { kind: "fields", fields: ["1", "2"] },
      { kind: "fields", fields: ["3", "4"] },
      { kind: "fields", fields: ["5", "6"] },
    ]);
  });

  it("quoted fields hold commas, line breaks and doubled quotes", () => {
    expect(ok(decodePayload(csv('"a,b","say ""hi""","x\ny",'))).map((r) => (r.kind === "fields" ? r.fields : r))).toEqual([["a,b", 'say "hi"', "x\ny", ""]]);
  });

  it("a trailing newline adds no row", () => {
    expect(ok(decodePayload(csv("1\n")))).toEqual([{ kind: "fields", fields: ["1"] }]);
    expect(ok(decodePayload(csv("1,2\n3,4\n")))).toHaveLength(2);
  });

  it("an unclosed quote is an invalid payload", () => {
    const f = failure(decodePayload(csv('1,"abc')));
    expect(f.reason).toBe("invalid payload");
    expect(f.detail).toMatch(/^CSV /);
  });
});

describe("decodePayload: JSON", () => {
  it("an object is one named row", () => {
    expect(ok(decodePayload(json('{"a":1,"b":"x","c":null}')))).toEqual([{ kind: "object", values: { a: 1, b: "x", c: null } }]);
  });

  it("nested objects become dotted names; arrays stay values", () => {
    expect(ok(decodePayload(json('{"a":{"b":1,"c":{"d":2}},"e":[1,2]}')))).toEqual([{ kind: "object", values: { "a.b": 1, "a.c.d": 2, e: [1, 2] } }]);
  });

  it("an array of objects is several rows", () => {
    expect(ok(decodePayload(json('[{"score":0.1},{"score":0.9,"k":{"l":true}}]')))).toEqual([
      { kind: "object", values: { score: 0.1 } },
      { kind: "object", values: { score: 0.9, "k.l": true } },
    ]);
  });

  it("an array of scalars is one positional row", () => {
    expect(ok(decodePayload(json('[1, "x", null, 2.5]')))).toEqual([{ kind: "fields", fields: [1, "x", null, 2.5] }]);
    // not all objects: positional
    expect(ok(decodePayload(json('[{"a":1}, 2]')))).toEqual([{ kind: "fields", fields: [{ a: 1 }, 2] }]);
  });

  it("a scalar is one positional field", () => {
    expect(ok(decodePayload(json("0.75")))).toEqual([{ kind: "fields", fields: [0.75] }]);
    expect(ok(decodePayload(json('"yes"')))).toEqual([{ kind: "fields", fields: ["yes"] }]);
  });

  it("JSON Lines: one value a line, several rows, blank lines ignored", () => {
    expect(ok(decodePayload(json('{"a":1}\n{"a":2}\n')))).toEqual([
      { kind: "object", values: { a: 1 } },
      { kind: "object", values: { a: 2 } },
    ]);
    expect(ok(decodePayload(json("[1,2]\n\n3\n")))).toEqual([
      { kind: "fields", fields: [1, 2] },
      { kind: "fields", fields: [3] },
    ]);
  });

  it("text that is neither JSON nor JSON Lines is an invalid payload", () => {
    const f = failure(decodePayload(json('{"a":1}\nnot json')));
    expect(f.reason).toBe("invalid payload");
    expect(f.detail).toMatch(/^JSON /);
    expect(failure(decodePayload(json("{"))).reason).toBe("invalid payload");
  });
});

describe("decodePayload: BASE64", () => {
  it("is read by content type: csv", () => {
    expect(ok(decodePayload(b64("1,2\n3,4\n", "text/csv")))).toEqual([
      { kind: "fields", fields: ["1", "2"] },
      { kind: "fields", fields: ["3", "4"] },
    ]);
    // csv wins even when the text looks like JSON
    expect(ok(decodePayload(b64("[1", "text/csv; charset=utf-8")))).toEqual([{ kind: "fields", fields: ["[1"] }]);
  });

  it("is read by content type: json", () => {
    expect(ok(decodePayload(b64('{"a":{"b":1}}', "application/json")))).toEqual([{ kind: "object", values: { "a.b": 1 } }]);
    expect(ok(decodePayload(b64("1\n2", "application/jsonlines")))).toEqual([
      { kind: "fields", fields: [1] },
      { kind: "fields", fields: [2] },
    ]);
  });

  it("is sniffed from the first character when the type is neither", () => {
    expect(ok(decodePayload(b64('  {"a":1}', "application/octet-stream")))).toEqual([{ kind: "object", values: { a: 1 } }]);
    expect(ok(decodePayload(b64("[1,2]", "text/html; charset=utf-8")))).toEqual([{ kind: "fields", fields: [1, 2] }]);
    expect(ok(decodePayload(b64("1,2")))).toEqual([{ kind: "fields", fields: ["1", "2"] }]);
  });

  it("decodes UTF-8", () => {
    expect(ok(decodePayload(b64("é,ü", "text/csv")))).toEqual([{ kind: "fields", fields: ["é", "ü"] }]);
  });

  it("invalid base64 is an invalid payload", () => {
    for (const data of ["not base64!", "@@@@", "abc=def"]) {
      const f = failure(decodePayload(side(data, "BASE64", "text/csv")));
      expect(f).toEqual({ reason: "invalid payload", detail: "data is not valid base64" });
    }
  });
});

describe("captureRows", () => {
  const START: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };
  const END: FeatureLayout = { featureNames: ["x", "c", "label"], outputColumnsPosition: "END" };
  const rows = (r: CaptureRecord, layout: FeatureLayout): unknown => ok(captureRows(r, layout));

  it("START: the output fields come first, matched by position to the baseline names", () => {
    const r = rows(record(csv("5,a"), csv("1")), START) as Array<Record<string, unknown>>;
    expect(r).toEqual([{ label: "1", x: "5", c: "a" }]);
    expect(Object.keys(r[0] ?? {})).toEqual(["label", "x", "c"]);
  });

  it("END: the output fields come last", () => {
    expect(rows(record(csv("5,a"), csv("1")), END)).toEqual([{ x: "5", c: "a", label: "1" }]);
    // the same record read with START puts the output in the first column
    expect(rows(record(csv("5,a"), csv("1")), { ...END, outputColumnsPosition: "START" })).toEqual([{ x: "1", c: "5", label: "a" }]);
  });

  it("pairs input row i with output row i", () => {
    expect(rows(record(csv("5,a\n6,b\n"), csv("1\n0\n")), START)).toEqual([
      { label: "1", x: "5", c: "a" },
      { label: "0", x: "6", c: "b" },
    ]);
  });

  it("pairs a single output row with every input row", () => {
    expect(rows(record(csv("5,a\n6,b\n7,c"), csv("1")), START)).toEqual([
      { label: "1", x: "5", c: "a" },
      { label: "1", x: "6", c: "b" },
      { label: "1", x: "7", c: "c" },
    ]);
  });

  it("other row counts are a row count mismatch", () => {
    expect(failure(captureRows(record(csv("1,a\n2,b\n3,c"), csv("1\n0")), START))).toEqual({
      reason: "row count mismatch",
      detail: "endpointInput has 3 rows, endpointOutput has 2",
    });
    // a single input row is not repeated for several output rows (docs/monitoring.md)
    expect(failure(captureRows(record(csv("5,a"), csv("1\n0")), START))).toEqual({
      reason: "row count mismatch",
      detail: "endpointInput has 1 rows, endpointOutput has 2",
    });
  });

  it("input-only and output-only records are matched by position from the first name", () => {
    expect(rows(record(csv("5,a"), undefined), START)).toEqual([{ label: "5", x: "a" }]);
    expect(rows(record(csv("5,a\n6,b"), undefined), END)).toEqual([
      { x: "5", c: "a" },
      { x: "6", c: "b" },
    ]);
    expect(rows(record(undefined, csv("1\n0")), START)).toEqual([{ label: "1" }, { label: "0" }]);
  });

  it("positions past the baseline are named _c<i>", () => {
    expect(rows(record(csv("5,a,extra,more"), csv("1")), START)).toEqual([{ label: "1", x: "5", c: "a", _c3: "extra", _c4: "more" }]);
    expect(rows(record(csv("5,a,extra"), csv("1")), END)).toEqual([{ x: "5", c: "a", label: "extra", _c3: "1" }]);
  });

  it("short rows leave the last features absent", () => {
    expect(rows(record(csv("5"), csv("1")), START)).toEqual([{ label: "1", x: "5" }]);
  });

  it("JSON objects keep their keys; both sides merge", () => {
    expect(rows(record(json('{"x":5,"c":"a"}'), json('{"label":1}')), START)).toEqual([{ label: 1, x: 5, c: "a" }]);
    expect(rows(record(json('[{"x":5},{"x":6}]'), json('[{"label":1},{"label":0}]')), END)).toEqual([
      { x: 5, label: 1 },
      { x: 6, label: 0 },
    ]);
  });

  it("a positional output next to a JSON object input takes the first names with START, the last with END", () => {
    const wide: FeatureLayout = { featureNames: ["p0", "p1", "a", "b", "q0", "q1"], outputColumnsPosition: "START" };
    const r = record(json('{"a":1,"b":2}'), csv("0.9,0.1"));
    const start = rows(r, wide) as Array<Record<string, unknown>>;
    expect(start).toEqual([{ p0: "0.9", p1: "0.1", a: 1, b: 2 }]);
    expect(Object.keys(start[0] ?? {})).toEqual(["p0", "p1", "a", "b"]);
    const end = rows(r, { ...wide, outputColumnsPosition: "END" }) as Array<Record<string, unknown>>;
    expect(end).toEqual([{ a: 1, b: 2, q0: "0.9", q1: "0.1" }]);
    expect(Object.keys(end[0] ?? {})).toEqual(["a", "b", "q0", "q1"]);
    // JSON array of scalars as the output: positional too
    expect(rows(record(json('{"a":1}'), json("[0.5]")), wide)).toEqual([{ p0: 0.5, a: 1 }]);
  });

  it("a positional input next to a JSON object output takes the names the outputs do not", () => {
    const wide: FeatureLayout = { featureNames: ["p0", "a", "b"], outputColumnsPosition: "START" };
    expect(rows(record(csv("1,2"), json('{"p0":0.9}')), wide)).toEqual([{ p0: 0.9, a: "1", b: "2" }]);
    expect(rows(record(csv("1,2"), json('{"b":0.9}')), { featureNames: ["a", "b0", "b"], outputColumnsPosition: "END" })).toEqual([
      { a: "1", b0: "2", b: 0.9 },
    ]);
  });

  it("keeps a __proto__ key of a JSON payload as a feature", () => {
    const r = rows(record(json('{"__proto__":7,"a":1}'), csv("1")), START) as Array<Record<string, unknown>>;
    expect(Object.keys(r[0] ?? {})).toEqual(["label", "__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(r[0], "__proto__")?.value).toBe(7);
  });

  it("a payload that cannot be decoded names its side", () => {
    expect(failure(captureRows(record(side("!!", "BASE64", "text/csv"), csv("1")), START))).toEqual({
      reason: "invalid payload",
      detail: "endpointInput: data is not valid base64",
    });
    expect(failure(captureRows(record(csv("1,2"), json("{")), START))).toEqual({
      reason: "invalid payload",
      detail: expect.stringMatching(/^endpointOutput: JSON /),
    });
  });

  it("a record without any row is an invalid payload", () => {
    expect(failure(captureRows(record(csv(""), csv("\n")), START))).toEqual({ reason: "invalid payload", detail: "the payload has no rows" });
    expect(failure(captureRows(record(json(""), undefined), START)).reason).toBe("invalid payload");
  });
});
