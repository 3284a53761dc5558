import { describe, expect, it } from "vitest";
import { buildBaseline, type LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import { evaluateWindow, type EvaluationContext } from "../../src/engine/evaluateWindow.js";
import { parseConstraints } from "../../src/formats/constraintsFormat.js";
import { parseStatistics } from "../../src/formats/statisticsFormat.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { emptyCounts } from "../../src/windows/WindowCounts.js";
import type { ClosedWindow } from "../../src/windows/WindowManager.js";
import { statisticsOf } from "../checks/support.js";

/** evaluateWindow: the report of a closed window, pure (no files: src/sinks/reportWriter.ts writes them). */
const baselineRows = Array.from({ length: 100 }, (_, i) => ({ plan: i % 2 === 0 ? "basic" : "premium", age: 20 + (i % 40) }));
const statistics = parseStatistics("statistics.json", statisticsOf(baselineRows));
const constraints = parseConstraints("constraints.json", {
  version: 0,
  features: [
    { name: "plan", inferred_type: "String", completeness: 1.0, string_constraints: { domains: ["basic", "premium"] } },
    { name: "age", inferred_type: "Integral", completeness: 1.0 },
  ],
});
const built = buildBaseline(statistics, constraints);
const loaded: LoadedBaseline = {
  ...built,
  warnings: [],
  statistics,
  constraints,
  constraintsBytes: Buffer.from("{}"),
  sha256: { statistics: "s", constraints: "c" },
};
const ctx: EvaluationContext = {
  endpoint: "ep",
  schedule: "hourly",
  windowMs: 3_600_000,
  jsonColumnMatching: "sorted_position",
  folderTime: "window_end",
  baseline: loaded,
  statisticsFile: "statistics.json",
  constraintsFile: "constraints.json",
};

function window(rows: ReadonlyArray<Record<string, string | number>>, keyed?: "all"): ClosedWindow {
  const profile = new DatasetProfile();
  for (const r of rows) profile.addObjectRow(r, keyed);
  const start = Date.UTC(2026, 10, 1, 4);
  return { startMs: start, endMs: start + 3_600_000, profile, counts: { ...emptyCounts(), records: rows.length }, inputs: [], parts: [] };
}

describe("evaluateWindow", () => {
  it("gives the folder of the window's end, the checks' violations, statistics in baseline order and the manifest", () => {
    const r = evaluateWindow(ctx, window([...Array.from({ length: 9 }, () => ({ age: 30, plan: "basic" })), { age: 31, plan: "gold" }]));
    expect(r.folder).toBe(["ep", "hourly", "2026", "11", "01", "05"].join("/"));
    expect(r.statistics.features.map((f) => f.name)).toEqual(["plan", "age"]);
    expect(r.violations.map((v) => `${v.feature_name} ${v.constraint_check_type}`)).toContain("plan categorical_values_check");
    expect(r.manifest).toMatchObject({
      endpoint: "ep",
      schedule: "hourly",
      window_start: "2026-11-01T04:00:00Z",
      window_end: "2026-11-01T05:00:00Z",
      item_count: 10,
      violations: r.violations.length,
    });
    expect(r.jsonColumnsByPosition).toEqual({});
  });

  it("is pure: the same window and context give the same report, and the window is not changed", () => {
    const w = window([{ age: 30, plan: "basic" }]);
    const before = JSON.stringify(w.profile.serialize());
    expect(JSON.stringify(evaluateWindow(ctx, w))).toBe(JSON.stringify(evaluateWindow(ctx, w)));
    expect(JSON.stringify(w.profile.serialize())).toBe(before);
  });

  it("matches JSON keys by sorted position and records the moves", () => {
    const r = evaluateWindow(ctx, window([{ a: "basic", b: 30 }], "all"));
    expect(r.jsonColumnsByPosition).toEqual({ a: "plan", b: "age" });
    expect(r.manifest["json_columns_by_position"]).toEqual({ a: "plan", b: "age" });
    expect(r.violations).toEqual([]);
  });

  it("runs no check on a window without data", () => {
    const r = evaluateWindow(ctx, window([]));
    expect(r.manifest["checks"]).toBe("not run: no data in the window");
    expect(r.evaluations).toEqual([]);
  });
});
