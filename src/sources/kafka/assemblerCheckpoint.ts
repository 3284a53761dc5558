import { partitionName, type PartitionKey } from "../../records/SourceRecord.js";
import type { AssemblerState } from "../../windows/windowAssembler.js";
import { MAX_METADATA_BYTES, MAX_TIME_MS } from "./checkpointCodec.js";

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Stage 2's commit metadata on the parts topic (docs/design-monitor.md):
 * `{"v": 1, "emitted_up_to_ms": …, "read_to": "offset", "progress": [[ms, ["topic@p", …]], …], "incomplete": [[start, ["topic@p", …]], …]}`,
 * progress grouped by time (most partitions share one), −∞ as null. Should it pass Kafka's
 * offset.metadata.max.bytes (thousands of input partitions), progress is left out: it is read
 * again from the progress messages after the commit offset, and a window whose partitions all
 * stopped before it waits for max_window_wait_seconds at most.
 */
export function encodeAssemblerState(s: AssemblerState, maxBytes = MAX_METADATA_BYTES): string {
  const num = (n: number): number | null => (Number.isFinite(n) ? n : null);
  const groups = new Map<number | null, string[]>();
  for (const [k, ms] of s.progress) {
    const g = groups.get(num(ms));
    if (g === undefined) groups.set(num(ms), [partitionName(k)]);
    else g.push(partitionName(k));
  }
  const incomplete = s.incomplete.map(([start, missing]) => [start, missing.map(partitionName)] as const);
  const base = { v: 1, emitted_up_to_ms: num(s.emittedUpToMs), ...(s.readTo === undefined ? {} : { read_to: s.readTo.toString() }) };
  const full = JSON.stringify({ ...base, progress: [...groups.entries()], incomplete });
  if (Buffer.byteLength(full) <= maxBytes) return full;
  const noProgress = JSON.stringify({ ...base, progress: [], incomplete });
  if (Buffer.byteLength(noProgress) <= maxBytes) return noProgress;
  return JSON.stringify({ ...base, progress: [], incomplete: [] });
}

/** The state back, or undefined (absent, not ours, inconsistent: stage 2 then starts from the committed offset with nothing known). */
export function decodeAssemblerState(text: string | null | undefined): AssemblerState | undefined {
  if (text === null || text === undefined || text === "" || text.length > 4 * MAX_METADATA_BYTES) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (o === null || typeof o !== "object" || Array.isArray(o) || (o as { v?: unknown }).v !== 1) return undefined;
  const r = o as Record<string, unknown>;
  const time = (x: unknown): number | undefined =>
    x === null ? Number.NEGATIVE_INFINITY : Number.isSafeInteger(x) && Math.abs(x as number) <= MAX_TIME_MS ? (x as number) : undefined;
  const key = (x: unknown): PartitionKey | undefined => {
    if (typeof x !== "string") return undefined;
    const at = x.lastIndexOf("@");
    const topic = x.slice(0, at);
    const partition = Number(x.slice(at + 1));
    return at > 0 && TOPIC.test(topic) && /^\d{1,9}$/.test(x.slice(at + 1)) ? { topic, partition } : undefined;
  };
  const emittedUpToMs = time(r["emitted_up_to_ms"]);
  if (emittedUpToMs === undefined || !Array.isArray(r["progress"]) || !Array.isArray(r["incomplete"])) return undefined;
  const readTo = r["read_to"];
  if (readTo !== undefined && (typeof readTo !== "string" || !/^\d{1,19}$/.test(readTo))) return undefined;
  const progress: Array<readonly [PartitionKey, number]> = [];
  for (const g of r["progress"] as unknown[]) {
    if (!Array.isArray(g) || g.length !== 2 || !Array.isArray(g[1])) return undefined;
    const ms = time(g[0]);
    if (ms === undefined) return undefined;
    for (const k of g[1] as unknown[]) {
      const pk = key(k);
      if (pk === undefined) return undefined;
      progress.push([pk, ms]);
    }
  }
  const incomplete: Array<readonly [number, PartitionKey[]]> = [];
  for (const e of r["incomplete"] as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2 || !Array.isArray(e[1])) return undefined;
    const start = time(e[0]);
    const missing = (e[1] as unknown[]).map(key);
    if (start === undefined || !Number.isFinite(start) || missing.some((k) => k === undefined)) return undefined;
    incomplete.push([start, missing as PartitionKey[]]);
  }
  return { emittedUpToMs, progress, incomplete, ...(readTo === undefined ? {} : { readTo: BigInt(readTo) }) };
}
