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
 * The report folder of a window, below `<reports>/<endpoint>/<schedule>/`: YYYY/MM/DD/HH of the
 * window start (UTC), plus a minute level mm/ for windows shorter than an hour.
 */
export function windowFolder(startMs: number, sizeMs: number): string {
  const d = new Date(startMs);
  const two = (n: number): string => String(n).padStart(2, "0");
  const parts = [String(d.getUTCFullYear()), two(d.getUTCMonth() + 1), two(d.getUTCDate()), two(d.getUTCHours())];
  if (sizeMs < 3_600_000) parts.push(two(d.getUTCMinutes()));
  return parts.join("/");
}
