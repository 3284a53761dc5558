import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayTally, WORST_WINDOWS } from "../../src/engine/replayTally.js";
import type { WindowReport } from "../../src/reports/WindowReport.js";
import { addCounts, emptyCounts } from "../../src/windows/WindowCounts.js";

const HOUR = 3_600_000;

/** A report with `violations` (check type, feature) pairs; only what the tally reads is real. */
function report(i: number, violations: ReadonlyArray<readonly [string, string]>, records: number): WindowReport {
  const counts = { ...emptyCounts(), records, items: records };
  return {
    startMs: i * HOUR,
    endMs: (i + 1) * HOUR,
    folder: `e/s/${i}`,
    itemCount: records,
    counts,
    violations: violations.map(([type, feature]) => ({ feature_name: feature, constraint_check_type: type, description: "" })),
    evaluations: [],
    statistics: {} as WindowReport["statistics"],
    manifest: {},
    jsonColumnsByPosition: {},
  } as WindowReport;
}

describe("ReplayTally", () => {
  it("tallies what the whole list of reports would give: windows, span, counts, violations by check, the worst windows", () => {
    const pair = fc.tuple(fc.constantFrom("baseline_drift_check", "completeness_check", "data_type_check"), fc.constantFrom("a", "b", "c", "d"));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(pair, { maxLength: 5 }), fc.nat(50)), { maxLength: 30 }), (spec) => {
        const reports = spec.map(([v, n], i) => report(i, v, n));
        const tally = new ReplayTally();
        for (const r of reports) tally.add(r);
        // the reference: every report kept, as the replay summary used to
        expect(tally.windows).toBe(reports.length);
        expect(tally.firstStartMs).toBe(reports[0]?.startMs);
        expect(tally.lastEndMs).toBe(reports.at(-1)?.endMs);
        expect(tally.counts).toEqual(reports.reduce((t, r) => addCounts(t, r.counts), emptyCounts()));
        const all = reports.flatMap((r) => r.violations);
        expect(tally.violations).toBe(all.length);
        expect(tally.flagged).toBe(reports.filter((r) => r.violations.length > 0).length);
        const byCheck = new Map<string, number>();
        for (const v of all)
          byCheck.set(`${v.constraint_check_type}\u0000${v.feature_name}`, (byCheck.get(`${v.constraint_check_type}\u0000${v.feature_name}`) ?? 0) + 1);
        expect(tally.byCheck).toEqual(byCheck);
        const worst = reports
          .filter((r) => r.violations.length > 0)
          .sort((a, b) => b.violations.length - a.violations.length || a.startMs - b.startMs)
          .slice(0, WORST_WINDOWS)
          .map((r) => ({ startMs: r.startMs, folder: r.folder, violations: r.violations.length }));
        expect(tally.worst).toEqual(worst);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps nothing per window: its state after 10,000 clean windows is the size it was after one", () => {
    const tally = new ReplayTally();
    tally.add(report(0, [["completeness_check", "a"]], 5));
    const one = JSON.stringify({ ...tally, byCheck: [...tally.byCheck] }).length;
    for (let i = 1; i < 10_000; i++) tally.add(report(i, [], 5));
    const many = JSON.stringify({ ...tally, byCheck: [...tally.byCheck] }).length;
    expect(many - one).toBeLessThan(20); // digits of the counters only
  });
});
