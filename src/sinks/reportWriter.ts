import { formatJson } from "../formats/jsonFile.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { ReportStore } from "./reportStore/ReportStore.js";

/**
 * Writes a report's files into `<store>/<report.folder>/`: statistics.json (SageMaker's
 * schema), constraint_violations.json (always, `{"violations": []}` when clean), constraints.json
 * (the baseline constraints the checks used, byte for byte, as SageMaker's execution folders carry
 * them) and window.json (the manifest, last: readers take a folder with window.json as complete),
 * published together (ReportStore.publish).
 */
export async function writeWindowReport(store: ReportStore, report: WindowReport, constraints: Uint8Array): Promise<void> {
  await store.publish(report.folder, [
    ["statistics.json", formatJson(report.statistics)],
    ["constraint_violations.json", formatJson({ violations: report.violations })],
    ["constraints.json", constraints],
    ["window.json", formatJson(report.manifest)],
  ]);
}
