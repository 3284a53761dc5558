/** Bounds of the configured window size (1 minute to 24 hours). */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 86_400;

/**
 * Tumbling windows aligned to the Unix epoch in UTC: window k covers [k·size, (k+1)·size).
 * A window is identified by its start in ms.
 */
export function windowStart(eventMs: number, sizeMs: number): number {
  return Math.floor(eventMs / sizeMs) * sizeMs;
}

/** ISO-8601 UTC with seconds, e.g. 2022-04-18T00:00:00Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Which time names a window's report folder: `window_end` (SageMaker's layout: an execution for
 * the hour 00:00–01:00 writes under `…/HH = 01`, the hour it ran; the 2022 introduction example's
 * real report folder, docs/formats.md) or `window_start` (dqstream before 0.2).
 */
export const REPORT_FOLDER_TIMES = ["window_end", "window_start"] as const;
export type ReportFolderTime = (typeof REPORT_FOLDER_TIMES)[number];

/**
 * The report folder of the window [startMs, startMs + sizeMs), below `<reports>/<endpoint>/<schedule>/`:
 * YYYY/MM/DD/HH (UTC) of its end (or start), plus a minute level mm/ for windows shorter than an
 * hour. Windows are at least a minute long, so two windows never share a folder: their ends (or
 * starts) are at least `sizeMs` apart, and the folder resolves to the hour at ≥ 1 h, the minute below.
 */
export function windowFolder(startMs: number, sizeMs: number, at: ReportFolderTime = "window_end"): string {
  const d = new Date(at === "window_end" ? startMs + sizeMs : startMs);
  const two = (n: number): string => String(n).padStart(2, "0");
  const parts = [String(d.getUTCFullYear()), two(d.getUTCMonth() + 1), two(d.getUTCDate()), two(d.getUTCHours())];
  if (sizeMs < 3_600_000) parts.push(two(d.getUTCMinutes()));
  return parts.join("/");
}
