import type { PartitionCheckpoint } from "./restartLedger.js";

/** Kafka's default offset.metadata.max.bytes. */
export const MAX_METADATA_BYTES = 4096;

/**
 * The commit metadata of docs/design-monitor.md, version 2; −∞ is written as null. Kafka limits
 * metadata to offset.metadata.max.bytes (4096 by default): each `closes` entry is one window
 * close between the partition's oldest open window and its last processed record, a few dozen
 * bytes; should they not fit, the oldest are merged (logged by the caller) and a re-read record
 * between them may be classified late instead of counted.
 */
export function encodeCheckpoint(c: PartitionCheckpoint, maxBytes = MAX_METADATA_BYTES): string {
  const num = (n: number): number | null => (Number.isFinite(n) ? n : null);
  const closes = (c.closes ?? []).map(([from, closed]) => [from, num(closed)] as const);
  const text = (): string =>
    JSON.stringify({ v: 2, max_event_ms: num(c.maxEventMs), closed_up_to_ms: num(c.closedUpToMs), processed_to: c.processedTo ?? null, closes });
  let out = text();
  while (Buffer.byteLength(out) > maxBytes && closes.length > 1) {
    // keep the commit offset's entry, merge the next one into it (its offset, its value)
    const second = closes[1] as readonly [string, number | null];
    closes.splice(0, 2, [closes[0]?.[0] ?? second[0], second[1]]);
    out = text();
  }
  return out;
}

/** Milliseconds of a time that JavaScript dates can hold (±8.64e15). */
export const MAX_TIME_MS = 8.64e15;

/**
 * Reads commit metadata back; undefined when absent, not ours, or not a consistent checkpoint (the
 * partition then starts fresh from the committed offset). Everything is checked, since the
 * metadata is data from the broker: numbers are times a date can hold, offsets are decimal
 * strings, the `closes` entries go up by offset and never pass `processed_to`.
 */
export function decodeCheckpoint(text: string | null | undefined): PartitionCheckpoint | undefined {
  if (text === null || text === undefined || text === "" || text.length > 4 * MAX_METADATA_BYTES) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o["v"] !== 1 && o["v"] !== 2) return undefined;
  const num = (x: unknown): number | undefined =>
    x === null ? Number.NEGATIVE_INFINITY : typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= MAX_TIME_MS ? x : undefined;
  const maxEventMs = num(o["max_event_ms"]);
  const closedUpToMs = num(o["closed_up_to_ms"]);
  if (maxEventMs === undefined || closedUpToMs === undefined) return undefined;
  if (o["v"] === 1) return { maxEventMs, closedUpToMs };
  const offset = (x: unknown): x is string => typeof x === "string" && /^(0|[1-9]\d{0,18})$/.test(x) && BigInt(x) < 2n ** 63n;
  const processedTo = o["processed_to"];
  const rawCloses = o["closes"];
  if (!offset(processedTo) || !Array.isArray(rawCloses)) return undefined;
  const closes: Array<readonly [string, number]> = [];
  let previous = -1n;
  for (const e of rawCloses) {
    if (!Array.isArray(e) || e.length !== 2 || !offset(e[0])) return undefined;
    const from = BigInt(e[0]);
    if (from <= previous || from > BigInt(processedTo)) return undefined;
    previous = from;
    const closed = num(e[1]);
    if (closed === undefined) return undefined;
    closes.push([e[0], closed]);
  }
  return { maxEventMs, closedUpToMs, processedTo, closes };
}

/**
 * A checkpoint whose times are past `ceilingMs` (the latest event time that can be plausible now:
 * the clock plus max_event_time_ahead_seconds, plus a window for window ends) is repaired, not
 * trusted: such a time was committed from an absurd record (or by a version without the
 * plausibility rule) and would keep the partition blind after every restart. A greatest event time
 * past the ceiling is forgotten (−∞: the re-read records rebuild it); a `closed_up_to_ms` past it
 * falls back to the latest plausible value of its history (else −∞), and history entries past it
 * to the plausible value before them. Returns what was repaired, for the log.
 */
export function repairCheckpoint(c: PartitionCheckpoint, ceilingMs: number): { checkpoint: PartitionCheckpoint; repaired: string[] } {
  const repaired: string[] = [];
  const plausible = (t: number): boolean => t <= ceilingMs;
  let maxEventMs = c.maxEventMs;
  if (!plausible(maxEventMs)) {
    repaired.push(`max_event_ms ${maxEventMs}`);
    maxEventMs = Number.NEGATIVE_INFINITY;
  }
  let last = Number.NEGATIVE_INFINITY;
  const closes = c.closes?.map(([from, closed]): readonly [string, number] => {
    if (plausible(closed)) {
      last = Math.max(last, closed);
      return [from, closed];
    }
    repaired.push(`closes[${from}] ${closed}`);
    return [from, last];
  });
  let closedUpToMs = c.closedUpToMs;
  if (!plausible(closedUpToMs)) {
    repaired.push(`closed_up_to_ms ${closedUpToMs}`);
    closedUpToMs = last;
  }
  if (repaired.length === 0) return { checkpoint: c, repaired };
  const checkpoint: PartitionCheckpoint = {
    maxEventMs,
    closedUpToMs,
    ...(c.processedTo === undefined ? {} : { processedTo: c.processedTo }),
    ...(closes === undefined ? {} : { closes }),
  };
  return { checkpoint, repaired };
}
