const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * ms since the epoch of an ISO-8601 date-time with a zone (`2026-11-01T00:00:09Z`,
 * `…T00:00:09.5+01:00`), or undefined for any other text, impossible days included.
 */
export function isoTimeMs(t: string): number | undefined {
  const m = ISO_8601.exec(t);
  if (m === null) return undefined;
  // Date.parse rolls impossible days over (2026-02-30 → March 2): reject them instead
  const daysInMonth = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  if (Number(m[3]) > daysInMonth) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}
