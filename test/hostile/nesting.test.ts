// Issue 9, point 1: deeply nested JSON (in the capture envelope, a JSON payload, a BASE64-wrapped
// JSON payload, a JSON Lines baseline row) is a malformed record, never a stack overflow.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureRows, parseCaptureRecord } from "../../src/records/decoders/sagemakerCapture/captureRecord.js";
import { flattenObject } from "../../src/records/flatten.js";
import { MAX_JSON_DEPTH, nestingExceeds } from "../../src/records/jsonLimits.js";
import { ensureBuilt, runCli } from "../support/cli.js";
import { capture, deadLetters, jsonCapture, minutes, nestedObject, replay, tempDir, windows } from "./support.js";

const DEEP = 5_000;

beforeAll(() => ensureBuilt());

describe("1: deeply nested JSON is malformed, never a crash", () => {
  it("1: the capture envelope nested 5,000 levels is an invalid payload", () => {
    const record = JSON.parse(capture("2026-11-01T00:00:00Z")) as Record<string, unknown>;
    const deep = JSON.stringify(record).replace(/}$/, `,"customAttributes":${nestedObject(DEEP)}}`);
    const r = parseCaptureRecord(deep);
    expect(r).toEqual({ ok: false, reason: "invalid payload", detail: `nesting deeper than ${MAX_JSON_DEPTH} levels` });
    // arrays too, and at the envelope's root
    expect(parseCaptureRecord(`${"[".repeat(DEEP)}${"]".repeat(DEEP)}`)).toMatchObject({ ok: false, reason: "invalid payload" });
  });

  it("1: a JSON payload and a BASE64-wrapped JSON payload nested 5,000 levels are invalid payloads", () => {
    for (const encoding of ["JSON", "BASE64"] as const) {
      const parsed = parseCaptureRecord(jsonCapture("2026-11-01T00:00:00Z", `{"x":1,"deep":${nestedObject(DEEP)}}`, encoding));
      if (!parsed.ok) throw new Error(parsed.detail);
      const rows = captureRows(parsed.value, { featureNames: ["x"], outputColumnsPosition: "START" });
      expect(rows, encoding).toEqual({ ok: false, reason: "invalid payload", detail: `endpointInput: nesting deeper than ${MAX_JSON_DEPTH} levels` });
    }
    // an array of arrays in a JSON Lines payload
    const lines = parseCaptureRecord(jsonCapture("2026-11-01T00:00:00Z", `{"x":1}\n${"[".repeat(DEEP)}${"]".repeat(DEEP)}`));
    if (!lines.ok) throw new Error(lines.detail);
    expect(captureRows(lines.value, { featureNames: ["x"], outputColumnsPosition: "START" })).toMatchObject({ ok: false, reason: "invalid payload" });
  });

  it("1: nesting up to the limit is still read; the check and flattening are iterative", () => {
    const parsed = parseCaptureRecord(jsonCapture("2026-11-01T00:00:00Z", `{"x":${nestedObject(MAX_JSON_DEPTH - 3)}}`));
    if (!parsed.ok) throw new Error(parsed.detail);
    const rows = captureRows(parsed.value, { featureNames: [], outputColumnsPosition: "START" });
    expect(rows.ok).toBe(true);
    // 200,000 levels: far past any call stack
    const deep = JSON.parse(nestedObject(200_000)) as Record<string, unknown>;
    expect(nestingExceeds(deep)).toBe(true);
    const flat = flattenObject(deep);
    expect(Object.keys(flat)).toEqual([Array.from({ length: 200_000 }, () => "a").join(".")]);
  });

  it("1: replay dead-letters each nested record, counts it, and reports every good one", async () => {
    const dir = await tempDir("nesting");
    const good = minutes(0, 30);
    const deepEnvelope = JSON.stringify(JSON.parse(capture("2026-11-01T00:09:10Z"))).replace(/}$/, `,"x":${nestedObject(DEEP)}}`);
    const lines = [
      ...good.slice(0, 10),
      deepEnvelope,
      jsonCapture("2026-11-01T00:09:20Z", nestedObject(DEEP)),
      jsonCapture("2026-11-01T00:09:30Z", nestedObject(DEEP), "BASE64"),
      ...good.slice(10),
    ];
    const file = join(dir, "capture.jsonl");
    await writeFile(file, `${lines.join("\n")}\n`);
    const r = replay(dir, [file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/RangeError|stack size|at .*\.js:\d+/);
    const [w] = [...(await windows(join(dir, "reports"))).values()];
    expect((w?.["records"] as Record<string, unknown>)["counted"]).toBe(30);
    expect((w?.["records"] as Record<string, unknown>)["malformed_by_reason"]).toEqual({ "invalid payload": 3 });
    const letters = await deadLetters(join(dir, "reports"));
    expect(letters.map((l) => [l["reason"], (l["position"] as { line: number }).line])).toEqual([
      ["invalid payload", 11],
      ["invalid payload", 12],
      ["invalid payload", 13],
    ]);
    // the dead letter is the record as received
    expect(letters[0]?.["record"]).toBe(deepEnvelope);
  });

  it("1: baseline skips a JSON Lines row nested 5,000 levels and profiles the others", async () => {
    const dir = await tempDir("nesting-baseline");
    const file = join(dir, "rows.jsonl");
    await writeFile(file, `{"a":1,"b":"x"}\n{"a":2,"b":${nestedObject(DEEP)}}\n{"a":3,"b":"y"}\n`);
    const r = runCli(dir, ["baseline", "--dataset", file, "--format", "jsonl", "--output", join(dir, "out")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 × nesting too deep \(line 2\): nesting deeper than 100 levels/);
    expect(r.stderr).toMatch(/baseline: 2 rows, 2 features/);
  });
});
