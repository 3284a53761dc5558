import { join } from "node:path";
import { formatJson } from "../formats/jsonFile.js";
import { publishFolder } from "../formats/publishFolder.js";
import type { WindowReport } from "../reports/WindowReport.js";

/**
 * Writes a report's files into `<reportsDir>/<report.folder>/`: statistics.json (SageMaker's
 * schema), constraint_violations.json (always, `{"violations": []}` when clean), constraints.json
 * (the baseline constraints the checks used, byte for byte, as SageMaker's execution folders carry
 * them) and window.json (the manifest), published together (publishFolder): a reader never sees
 * the files of two runs mixed.
 */
export async function writeWindowReport(reportsDir: string, report: WindowReport, constraints: Uint8Array): Promise<void> {
  await publishFolder(join(reportsDir, report.folder), [
    ["statistics.json", formatJson(report.statistics)],
    ["constraint_violations.json", formatJson({ violations: report.violations })],
    ["constraints.json", constraints],
    ["window.json", formatJson(report.manifest)],
  ]);
}
