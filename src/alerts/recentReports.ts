import { readWindow, windowFolders } from "../reports/readReports.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { Logger } from "../telemetry/logger.js";
import type { WindowOutcome } from "./lifecycle.js";
import { logEvent } from "../telemetry/logEvents.js";

/**
 * The latest `limit` complete window reports under `<store>/<endpoint>/<schedule>/`, oldest
 * first, as lifecycle input. A report is complete when its window.json exists (it is written last).
 * A report that cannot be read (unreadable or invalid window.json or constraint_violations.json)
 * is skipped with a warning naming the file: one damaged folder must not stop the monitor, and
 * the lifecycle then treats it as a missing window. No folder yet: no windows.
 */
export async function readRecentWindows(store: ReportStore, endpoint: string, schedule: string, limit: number, log: Logger): Promise<WindowOutcome[]> {
  const root = `${endpoint}/${schedule}`;
  const folders = (await windowFolders(store, endpoint, schedule)).slice(-limit);
  const windows: WindowOutcome[] = [];
  for (const { folder } of folders) {
    const dir = `${root}/${folder}`;
    try {
      const { window: w, violations } = await readWindow(store, dir);
      windows.push({
        startMs: Date.parse(w.window_start),
        endMs: Date.parse(w.window_end),
        folder: dir,
        hasData: w.item_count > 0,
        violations: violations.map((x) => ({ feature_name: x.feature_name, constraint_check_type: x.constraint_check_type, description: x.description })),
        evaluations: [],
      });
    } catch (e) {
      logEvent(log, "alert_report_unreadable", { err: e instanceof Error ? e.message : String(e), folder: store.locate(dir) });
    }
  }
  return windows.sort((a, b) => a.startMs - b.startMs);
}
