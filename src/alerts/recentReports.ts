import * as z from "zod";
import { CHECK_TYPES } from "../checks/index.js";
import { FormatError, parseJsonText } from "../formats/jsonFile.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { Logger } from "../telemetry/logger.js";
import type { WindowOutcome } from "./lifecycle.js";
import { logEvent } from "../telemetry/logEvents.js";

/** What the lifecycle reads of window.json (src/sinks/reportWriter.ts writes it); other keys are ignored. */
const WindowJson = z.looseObject({
  window_start: z.iso.datetime(),
  window_end: z.iso.datetime(),
  item_count: z.number().int().min(0),
});

const ViolationsJson = z.looseObject({
  violations: z.array(
    z.looseObject({
      feature_name: z.string(),
      constraint_check_type: z.enum(CHECK_TYPES),
      description: z.string(),
    }),
  ),
});

/**
 * The time a report folder's name states, from its path `YYYY/MM/DD/HH[/mm]` (see windowFolder:
 * the window's end, or its start with report_folder_time: window_start), or undefined for a path
 * of another shape. Either way it orders a schedule's folders as their windows. Only used to pick the latest folders
 * without reading every file; the lifecycle then uses window.json's own window_start.
 */
export function folderTimeMs(relativeFolder: string): number | undefined {
  const parts = relativeFolder.split("/");
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  if (!parts.every((p) => /^\d+$/.test(p))) return undefined;
  const [y, mo, d, h, mi] = parts.map(Number) as [number, number, number, number, number | undefined];
  return Date.UTC(y, mo - 1, d, h, mi ?? 0);
}

/**
 * The latest `limit` complete window reports under `<store>/<endpoint>/<schedule>/`, oldest
 * first, as lifecycle input. A report is complete when its window.json exists (it is written last).
 * A report that cannot be read (unreadable or invalid window.json or constraint_violations.json)
 * is skipped with a warning naming the file: one damaged folder must not stop the monitor, and
 * the lifecycle then treats it as a missing window. No folder yet: no windows.
 */
export async function readRecentWindows(store: ReportStore, endpoint: string, schedule: string, limit: number, log: Logger): Promise<WindowOutcome[]> {
  const root = `${endpoint}/${schedule}`;
  const folders = (await store.list(root))
    .filter((p) => p === "window.json" || p.endsWith("/window.json"))
    .map((p) => p.slice(0, -"window.json".length).replace(/\/$/, ""))
    .map((folder) => ({ folder, timeMs: folderTimeMs(folder) }))
    .filter((f): f is { folder: string; timeMs: number } => f.timeMs !== undefined)
    .sort((a, b) => a.timeMs - b.timeMs || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0))
    .slice(-limit);

  const readJson = async <S extends z.ZodType>(key: string, schema: S): Promise<z.output<S>> => {
    const bytes = await store.read(key);
    if (bytes === undefined) throw new FormatError(store.locate(key), "cannot read: it is gone");
    return parseJsonText(store.locate(key), Buffer.from(bytes).toString("utf8"), schema);
  };
  const windows: WindowOutcome[] = [];
  for (const { folder } of folders) {
    const dir = `${root}/${folder}`;
    try {
      const w = await readJson(`${dir}/window.json`, WindowJson);
      const v = await readJson(`${dir}/constraint_violations.json`, ViolationsJson);
      windows.push({
        startMs: Date.parse(w.window_start),
        endMs: Date.parse(w.window_end),
        folder: dir,
        hasData: w.item_count > 0,
        violations: v.violations.map((x) => ({ feature_name: x.feature_name, constraint_check_type: x.constraint_check_type, description: x.description })),
        evaluations: [],
      });
    } catch (e) {
      logEvent(log, "alert_report_unreadable", { err: e instanceof Error ? e.message : String(e), folder: store.locate(dir) });
    }
  }
  return windows.sort((a, b) => a.startMs - b.startMs);
}
