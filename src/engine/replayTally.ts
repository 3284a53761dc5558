import type { WindowReport } from "../reports/WindowReport.js";
import { addCounts, emptyCounts, type WindowCounts } from "../windows/WindowCounts.js";

/** How many windows the summary lists as those with the most violations. */
export const WORST_WINDOWS = 5;

/** One of the windows with the most violations. */
export interface FlaggedWindow {
  readonly startMs: number;
  readonly folder: string;
  readonly violations: number;
}

/**
 * What `dqstream replay` reports about its windows, taken from each report as it is written and
 * then dropped: its size is bounded by the baseline's features × check types, not by the number of
 * windows (a replay used to keep every window's report, statistics included, until it ended: the
 * resident set grew with the input, 274 → 498 MB from 2×10^5 to 10^6 records of 20 features).
 */
export class ReplayTally {
  windows = 0;
  firstStartMs: number | undefined;
  lastEndMs: number | undefined;
  /** Counts over all windows. */
  counts: WindowCounts = emptyCounts();
  violations = 0;
  /** Windows with at least one violation. */
  flagged = 0;
  /** Violations by `check type \u0000 feature`. */
  readonly byCheck = new Map<string, number>();
  /** The WORST_WINDOWS windows with the most violations, most first, then earliest. */
  readonly worst: FlaggedWindow[] = [];

  /** Adds a report; reports come in window order. */
  add(r: WindowReport): void {
    this.windows++;
    this.firstStartMs ??= r.startMs;
    this.lastEndMs = r.endMs;
    this.counts = addCounts(this.counts, r.counts);
    if (r.violations.length === 0) return;
    this.violations += r.violations.length;
    this.flagged++;
    for (const v of r.violations) {
      const key = `${v.constraint_check_type}\u0000${v.feature_name}`;
      this.byCheck.set(key, (this.byCheck.get(key) ?? 0) + 1);
    }
    this.worst.push({ startMs: r.startMs, folder: r.folder, violations: r.violations.length });
    this.worst.sort((a, b) => b.violations - a.violations || a.startMs - b.startMs);
    if (this.worst.length > WORST_WINDOWS) this.worst.length = WORST_WINDOWS;
  }
}
