import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadBaseline, type LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { WindowReporter } from "../../src/engine/WindowReporter.js";
import { HookRunner } from "../../src/hooks/HookRunner.js";
import type { WindowReport } from "../../src/reports/WindowReport.js";
import type { ReportContext } from "../../src/engine/WindowReporter.js";
import type { SourceRecord } from "../../src/records/SourceRecord.js";
import { createLogger, silentLogger } from "../../src/telemetry/logger.js";
import type { ClosedWindow } from "../../src/windows/WindowManager.js";
import { WindowManager } from "../../src/windows/WindowManager.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";

// a hook that hangs must fail its test quickly, not after the suite-wide 60 s
vi.setConfig({ testTimeout: 15_000 });

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test", "fixtures", "hooks");
const BASELINE_DIR = join(ROOT, "test", "golden", "baseline", "csv-header");
const STATISTICS = join(BASELINE_DIR, "statistics.json");
const CONSTRAINTS = join(BASELINE_DIR, "constraints.json");
const HOUR = 3_600_000;
const LOG_ENV = "DQSTREAM_TEST_POSTPROCESS_LOG";

let baseline: LoadedBaseline;
let tmp = "";
let dirs = 0;
const runners: HookRunner[] = [];

beforeAll(async () => {
  baseline = await loadBaseline(STATISTICS, CONSTRAINTS);
  tmp = await mkdtemp(join(tmpdir(), "dqstream-postprocess-"));
});

afterEach(async () => {
  delete process.env[LOG_ENV];
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

/**
 * Starts a hook module with $DQSTREAM_TEST_POSTPROCESS_LOG set. A worker copies the environment
 * when it starts, a replacement worker (after a timeout) too: it stays set until afterEach.
 */
async function startHook(module: string, log: string | undefined, timeoutMs = 200): Promise<HookRunner> {
  if (log !== undefined) process.env[LOG_ENV] = log;
  else delete process.env[LOG_ENV];
  const r = await HookRunner.start(join(FIXTURES, module), timeoutMs);
  runners.push(r);
  return r;
}

function context(reportsDir: string): ReportContext {
  return {
    store: new LocalReportStore(reportsDir),
    endpoint: "churn-endpoint",
    schedule: "hourly",
    windowMs: HOUR,
    folderTime: "window_end",
    jsonColumnMatching: "sorted_position",
    baseline,
    statisticsFile: STATISTICS,
    constraintsFile: CONSTRAINTS,
  };
}

/** Input fields of the baseline after `churn` (the output, first: START). */
const GOOD = "110,NY,premium,292.8,80,237.3,254.9,12.7,0,67.12,yes,web";
const BAD = "-5,ZZ,gold,-1.5,80,237.3,254.9,12.7,0,67.12,yes,web";

function capture(input: string, output: string, time: string): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: input, encoding: "CSV" },
      endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: `${output}\n`, encoding: "CSV" },
    },
    eventMetadata: { inferenceTime: time },
    eventVersion: "0",
  });
}

/**
 * Closed windows of `hours` hourly windows from 2026-11-01T00, three records each (the window of
 * hour 01 with out-of-baseline values), from an engine without hooks: the ones its batch closed,
 * then the last one by closeAll.
 */
async function closedWindows(hours: number): Promise<{ byBatch: ClosedWindow[]; atEnd: ClosedWindow[] }> {
  const engine = new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: HOUR, allowedLatenessMs: 0 }),
    layout: { featureNames: baseline.featureNames, outputColumnsPosition: "START" },
    fallbackToSourceTimestamp: false,
  });
  const batch: SourceRecord[] = [];
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < 3; i++) {
      const time = `2026-11-01T${String(h).padStart(2, "0")}:${String(10 * i + 1).padStart(2, "0")}:00Z`;
      batch.push({
        partition: { topic: "replay", partition: 0 },
        position: { file: "capture.jsonl", line: batch.length + 1 },
        value: capture(h === 1 ? BAD : GOOD, String(i % 2), time),
      });
    }
  }
  const result = await engine.process(batch);
  expect(result.deadLetters).toEqual([]);
  return { byBatch: result.closed, atEnd: engine.closeAll() };
}

async function jsonLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
}

function newReportsDir(): string {
  return join(tmp, `reports-${++dirs}`);
}

describe("WindowReporter with a postprocess hook", () => {
  it("calls postprocess once per window, after the window's files exist, with the report and the context", async () => {
    const reportsDir = newReportsDir();
    const log = join(tmp, `postprocess-${dirs}.jsonl`);
    const hook = await startHook("postprocess-log.mjs", log);
    expect(hook.has("postprocess")).toBe(true);
    const reporter = new WindowReporter(context(reportsDir), hook, silentLogger());
    const { byBatch, atEnd } = await closedWindows(3);
    expect(byBatch).toHaveLength(2);
    expect(atEnd).toHaveLength(1);

    const reports: WindowReport[] = [...(await reporter.report(byBatch)), ...(await reporter.report(atEnd))];
    expect(reports).toHaveLength(3);
    expect(reporter.postprocessFailures).toBe(0);
    // the window with out-of-baseline values has violations, so the comparison below means something
    expect(reports[1]?.violations.length).toBeGreaterThan(0);

    const lines = (await jsonLines(log)) as Array<{ report: Record<string, unknown>; context: unknown; exists: Record<string, boolean> }>;
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const r = reports[i] as WindowReport;
      const folder = resolve(reportsDir, r.folder);
      expect(line.report).toEqual({
        window_start: `2026-11-01T0${i}:00:00Z`,
        window_end: `2026-11-01T0${i + 1}:00:00Z`,
        folder,
        files: {
          statistics: join(folder, "statistics.json"),
          constraint_violations: join(folder, "constraint_violations.json"),
          window: join(folder, "window.json"),
        },
        item_count: 3,
        violations: JSON.parse(JSON.stringify(r.violations)) as unknown,
      });
      expect(line.context).toEqual({ endpoint: "churn-endpoint", schedule: "hourly" });
      expect(line.exists).toEqual({ statistics: true, constraint_violations: true, window: true });
    });
    // the window 00:00–01:00 reports under …/01: its end hour, SageMaker's layout
    expect(lines[0]?.report["folder"]).toBe(join(reportsDir, "churn-endpoint", "hourly", "2026", "11", "01", "01"));
  });

  it("a hook can find its output place from the report folder", async () => {
    const reportsDir = newReportsDir();
    const hook = await startHook("postprocess-log.mjs", undefined);
    const reporter = new WindowReporter(context(reportsDir), hook, silentLogger());
    const { byBatch, atEnd } = await closedWindows(2);
    const reports = await reporter.report([...byBatch, ...atEnd]);
    expect(reports).toHaveLength(2);
    for (const r of reports) {
      const lines = (await jsonLines(join(reportsDir, r.folder, "postprocess.jsonl"))) as Array<{
        report: { window_start: string };
        exists: { window: boolean };
      }>;
      expect(lines.map((l) => l.report.window_start)).toEqual([new Date(r.startMs).toISOString().replace(".000Z", "Z")]);
      expect(lines[0]?.exists.window).toBe(true);
    }
  });

  it("a throwing or hanging postprocess is counted and logged; every window is still reported and the others post-processed", async () => {
    const reportsDir = newReportsDir();
    const log = join(tmp, `postprocess-${dirs}.jsonl`);
    const hook = await startHook("postprocess-flaky.mjs", log);
    const logLines: string[] = [];
    const logger = createLogger(
      "warn",
      new Writable({
        write(chunk: Buffer, _encoding, callback): void {
          logLines.push(chunk.toString("utf8"));
          callback();
        },
      }),
    );
    const reporter = new WindowReporter(context(reportsDir), hook, logger);
    const { byBatch, atEnd } = await closedWindows(4);
    const reports = [...(await reporter.report(byBatch)), ...(await reporter.report(atEnd))];

    expect(reports.map((r) => new Date(r.startMs).getUTCHours())).toEqual([0, 1, 2, 3]);
    for (const r of reports) expect(existsSync(join(reportsDir, r.folder, "window.json"))).toBe(true);
    // hour 01 threw, hour 02 timed out (its worker replaced), hours 00 and 03 were post-processed
    expect(reporter.postprocessFailures).toBe(2);
    expect(hook.restarts).toBe(1);
    expect(await jsonLines(log)).toEqual([{ window_start: "2026-11-01T00:00:00Z" }, { window_start: "2026-11-01T03:00:00Z" }]);

    const warnings = logLines
      .map((l) => JSON.parse(l) as { msg: string; kind?: string; detail?: string; window_start?: string })
      .filter((l) => l.msg === "postprocess hook failed");
    expect(warnings.map((w) => ({ kind: w.kind, window_start: w.window_start }))).toEqual([
      { kind: "postprocess_error", window_start: "2026-11-01T01:00:00Z" },
      { kind: "postprocess_timeout", window_start: "2026-11-01T02:00:00Z" },
    ]);
    expect(warnings[0]?.detail).toBe("Error: cannot post 2026-11-01T01:00:00Z");

    // later windows are still post-processed
    const more = await closedWindows(1);
    const laterDir = newReportsDir();
    const later = new WindowReporter(context(laterDir), hook, silentLogger());
    await later.report(more.atEnd);
    expect(later.postprocessFailures).toBe(0);
    expect(await jsonLines(log)).toHaveLength(3);
  });

  it("without a postprocess hook, or with no windows, nothing is called", async () => {
    const reportsDir = newReportsDir();
    const { atEnd } = await closedWindows(1);
    const plain = new WindowReporter(context(reportsDir), undefined, silentLogger());
    expect(await plain.report(atEnd)).toHaveLength(1);
    expect(plain.postprocessFailures).toBe(0);

    const log = join(tmp, `postprocess-${dirs}.jsonl`);
    const hook = await startHook("postprocess-log.mjs", log);
    const reporter = new WindowReporter(context(reportsDir), hook, silentLogger());
    expect(await reporter.report([])).toEqual([]);
    expect(existsSync(log)).toBe(false);
  });
});
