import type { CheckEvaluation, Violation } from "../checks/index.js";
import type { StatisticsFile } from "../formats/statisticsFormat.js";
import type { WindowCounts } from "../windows/WindowCounts.js";

/**
 * A closed window's report: what evaluateWindow makes of the window and the baseline, and what
 * every report sink receives (the files writer, window parts, CloudWatch, alerts). Pure data.
 */
export interface WindowReport {
  readonly startMs: number;
  readonly endMs: number;
  /** `<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]`, relative to the reports folder. */
  readonly folder: string;
  readonly itemCount: number;
  readonly counts: WindowCounts;
  readonly violations: readonly Violation[];
  readonly evaluations: readonly CheckEvaluation[];
  /** The object written to statistics.json (SageMaker's schema). */
  readonly statistics: StatisticsFile;
  /** The object written to window.json (dqstream's manifest). */
  readonly manifest: Readonly<Record<string, unknown>>;
  /** JSON object keys matched to another baseline name by sorted position (key → name). */
  readonly jsonColumnsByPosition: Readonly<Record<string, string>>;
}
