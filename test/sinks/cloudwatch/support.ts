// Shared by the CloudWatch sink tests: real WindowReports from a replay of the csv-start golden case
// (every check type fires in some window), and baselines with edited constraints.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Baseline } from "../../../src/checks/Check.js";
import { buildBaseline, loadBaseline, type LoadedBaseline } from "../../../src/baseline/loadBaseline.js";
import { resolveReplayConfig } from "../../../src/cli/replayCommand.js";
import { runReplay } from "../../../src/engine/runReplay.js";
import { parseConstraints } from "../../../src/formats/constraintsFormat.js";
import type { WindowReport } from "../../../src/reports/WindowReport.js";
import { silentLogger } from "../../../src/telemetry/logger.js";

export const STATISTICS = "test/golden/baseline/csv-header/statistics.json";
export const CONSTRAINTS = "test/golden/baseline/csv-header/constraints.json";
export const CSV_START_INPUT = "test/golden/replay/csv-start/input/capture.jsonl";

/** The csv-start golden replay's reports (ten-minute windows of 2026-11-01), computed afresh. */
export async function csvStartReports(): Promise<{ reports: WindowReport[]; baseline: LoadedBaseline }> {
  const dir = await mkdtemp(join(tmpdir(), "dqstream-cw-reports-"));
  try {
    const config = await resolveReplayConfig({
      statistics: STATISTICS,
      constraints: CONSTRAINTS,
      reports: dir,
      windowSeconds: "600",
      endpoint: "churn",
      schedule: "ten-minutes",
    });
    const reports: WindowReport[] = [];
    await runReplay(config, [CSV_START_INPUT], silentLogger(), undefined, (r) => reports.push(r));
    return { reports, baseline: await loadBaseline(STATISTICS, CONSTRAINTS) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The csv-header baseline with its constraints.json edited by `edit` (a JSON object in, out). */
export async function editedBaseline(edit: (constraints: Record<string, unknown>) => void): Promise<Baseline> {
  const loaded = await loadBaseline(STATISTICS, CONSTRAINTS);
  const json = JSON.parse(await readFile(CONSTRAINTS, "utf8")) as Record<string, unknown>;
  edit(json);
  return buildBaseline(loaded.statistics, parseConstraints(CONSTRAINTS, json)).baseline;
}

/** The constraints' feature entry named `name` (for edits). */
export function featureEntry(constraints: Record<string, unknown>, name: string): Record<string, unknown> {
  const f = (constraints["features"] as Array<Record<string, unknown>>).find((x) => x["name"] === name);
  if (f === undefined) throw new Error(`no feature ${name} in the constraints`);
  return f;
}
