import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MonitorEngine, SKIP_DROPPED } from "../../src/engine/MonitorEngine.js";
import { HookRunner } from "../../src/hooks/HookRunner.js";
import type { FeatureLayout } from "../../src/records/featureRow.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import type { SourceRecord } from "../../src/records/SourceRecord.js";
import { WindowManager } from "../../src/windows/WindowManager.js";

// a hook that hangs must fail its test quickly, not after the suite-wide 60 s
vi.setConfig({ testTimeout: 15_000 });

const FIXTURES = fileURLToPath(new URL("../fixtures/hooks/", import.meta.url));
const CAPTURE_HOOK = join(FIXTURES, "capture.mjs");
const FILE = "capture/part-0.jsonl";
const HOUR = 3_600_000;
const LAYOUT: FeatureLayout = { featureNames: ["a", "b", "c"], outputColumnsPosition: "START" };

const runners: HookRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

/** A SageMaker capture line with a CSV input payload. */
function capture(data: string, time: string): string {
  return JSON.stringify({
    captureData: { endpointInput: { observedContentType: "text/csv", mode: "INPUT", data, encoding: "CSV" } },
    eventMetadata: { inferenceTime: time },
    eventVersion: "0",
  });
}

/** Source records of one file, numbered from `firstLine`. */
function batch(firstLine: number, lines: ReadonlyArray<readonly [data: string, time: string]>): SourceRecord[] {
  return lines.map(([data, time], i) => ({
    partition: { topic: "replay", partition: 0 },
    position: { file: FILE, line: firstLine + i },
    value: capture(data, time),
  }));
}

interface HookError {
  kind: string;
  detail: string;
  position: string;
}

async function engineWithHook(timeoutMs = 200): Promise<{ engine: MonitorEngine; runner: HookRunner; hookErrors: HookError[] }> {
  const runner = await HookRunner.start(CAPTURE_HOOK, timeoutMs);
  runners.push(runner);
  const hookErrors: HookError[] = [];
  const engine = new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: HOUR, allowedLatenessMs: 0 }),
    layout: LAYOUT,
    fallbackToSourceTimestamp: false,
    preprocessor: runner,
    onHookError: (kind, detail, position) => hookErrors.push({ kind, detail, position }),
  });
  return { engine, runner, hookErrors };
}

describe("MonitorEngine with a preprocess hook", () => {
  it("counts rows, drops, splits and hook failures; dead-letters the failures with their positions; keeps going", async () => {
    const { engine, runner, hookErrors } = await engineWithHook();
    const first = await engine.process(
      batch(1, [
        ["1,2", "2026-11-01T00:00:05Z"], // line 1: one row
        ["drop,0", "2026-11-01T00:00:06Z"], // line 2: dropped (null)
        ["split,3", "2026-11-01T00:00:07Z"], // line 3: three rows
        ["throw,0", "2026-11-01T00:00:08Z"], // line 4: preprocess_error
        ["3,4", "2026-11-01T00:00:09Z"], // line 5
        ["hang,0", "2026-11-01T00:00:10Z"], // line 6: preprocess_timeout
        ["5,6", "2026-11-01T00:00:11Z"], // line 7: after the timeout, in a fresh worker
        ["empty,0", "2026-11-01T00:00:12Z"], // line 8: dropped ([])
        ["invalid,0", "2026-11-01T00:00:13Z"], // line 9: preprocess_invalid_result
      ]),
    );
    expect(first.closed).toEqual([]);
    expect(first.deadLetters.map((d) => ({ reason: d.reason, position: d.position }))).toEqual([
      { reason: "preprocess_error", position: { file: FILE, line: 4 } },
      { reason: "preprocess_timeout", position: { file: FILE, line: 6 } },
      { reason: "preprocess_invalid_result", position: { file: FILE, line: 9 } },
    ]);
    expect(first.deadLetters[0]?.detail).toBe("Error: cannot read throw,0");
    expect(first.deadLetters[0]?.record).toBe(capture("throw,0", "2026-11-01T00:00:08Z"));
    expect(hookErrors).toEqual([
      { kind: "preprocess_error", detail: "Error: cannot read throw,0", position: `${FILE}:4` },
      { kind: "preprocess_timeout", detail: "preprocess did not finish within 200 ms", position: `${FILE}:6` },
      { kind: "preprocess_invalid_result", detail: expect.stringContaining("preprocess returned string") as unknown, position: `${FILE}:9` },
    ]);
    expect(runner.restarts).toBe(1);

    // the next batch moves event time into the next hour: the first window closes
    const second = await engine.process(
      batch(10, [
        ["7,8", "2026-11-01T00:59:59Z"], // line 10: still the first window
        ["9,10", "2026-11-01T01:00:00Z"], // line 11: the second window
        ["throw,1", "2026-11-01T01:00:01Z"], // line 12
      ]),
    );
    expect(second.deadLetters.map((d) => d.position)).toEqual([{ file: FILE, line: 12 }]);
    expect(hookErrors.map((e) => e.position)).toEqual([`${FILE}:4`, `${FILE}:6`, `${FILE}:9`, `${FILE}:12`]);
    expect(second.closed).toHaveLength(1);
    const w1 = second.closed[0]!;
    expect(w1.startMs).toBe(Date.parse("2026-11-01T00:00:00Z"));
    expect(w1.counts).toEqual({
      // lines 1, 3, 5, 7, 10; the split record once
      records: 5,
      // 1 + 3 + 1 + 1 + 1
      items: 7,
      skipped: { [SKIP_DROPPED]: 2 },
      late: 0,
      malformed: {},
      hook_errors: { preprocess_error: 1, preprocess_timeout: 1, preprocess_invalid_result: 1 },
    });
    expect(w1.profile.itemCount).toBe(7);
    expect(w1.inputs).toEqual([{ partition: { topic: "replay", partition: 0 }, first: { file: FILE, line: 1 }, last: { file: FILE, line: 10 } }]);

    const [w2] = engine.closeAll();
    expect(w2?.counts).toEqual({ records: 1, items: 1, skipped: {}, late: 0, malformed: {}, hook_errors: { preprocess_error: 1 } });
  });

  it("the hook's rows are what the profile counts; the context carries position and feature names", async () => {
    const { engine } = await engineWithHook();
    await engine.process(
      batch(1, [
        ["split,2", "2026-11-01T00:00:05Z"],
        ["10,20", "2026-11-01T00:00:06Z"],
      ]),
    );
    const [w] = engine.closeAll();
    expect(w?.profile.itemCount).toBe(3);
    // split rows are {a: i, b: position}; the plain one {a, b, features}
    expect([...(w?.profile.features.keys() ?? [])].sort()).toEqual(["a", "b", "features"]);
    // kinds: [missing, integral, fractional, boolean, string]
    expect(Array.from(w?.profile.features.get("a")?.kinds ?? [])).toEqual([0, 3, 0, 0, 0]);
    // two positions (strings) from the split rows, one number
    expect(Array.from(w?.profile.features.get("b")?.kinds ?? [])).toEqual([0, 1, 0, 0, 2]);
    expect(Array.from(w?.profile.features.get("features")?.kinds ?? [])).toEqual([0, 1, 0, 0, 0]);
  });

  it("a batch of only dropped records counts them as skipped; nothing is dead-lettered", async () => {
    const { engine, hookErrors } = await engineWithHook();
    const r = await engine.process(
      batch(1, [
        ["drop,0", "2026-11-01T00:00:05Z"],
        ["empty,0", "2026-11-01T00:00:06Z"],
      ]),
    );
    expect(r.deadLetters).toEqual([]);
    expect(hookErrors).toEqual([]);
    const [w] = engine.closeAll();
    expect(w?.counts).toEqual({ records: 0, items: 0, skipped: { [SKIP_DROPPED]: 2 }, late: 0, malformed: {}, hook_errors: {} });
    expect(w?.profile.itemCount).toBe(0);
  });

  it("records the engine rejects before the hook (malformed, late) never reach it", async () => {
    const { engine, hookErrors } = await engineWithHook();
    const records = batch(1, [
      ["1,2", "2026-11-01T02:00:00Z"],
      ["throw,0", "2026-11-01T00:00:00Z"], // late: never given to the hook
    ]);
    records.push({ partition: { topic: "replay", partition: 0 }, position: { file: FILE, line: 3 }, value: "{not json" });
    const r = await engine.process(records);
    expect(r.deadLetters.map((d) => d.reason)).toEqual(["late", "invalid JSON"]);
    expect(hookErrors).toEqual([]);
    const [w] = engine.closeAll();
    expect(w?.counts).toEqual({ records: 1, items: 1, skipped: {}, late: 1, malformed: { "invalid JSON": 1 }, hook_errors: {} });
  });
});
