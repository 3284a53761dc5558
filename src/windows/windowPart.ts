import { DatasetProfile } from "../profiles/DatasetProfile.js";
import type { PartitionKey, Position } from "../records/SourceRecord.js";
import type { WindowCounts } from "./WindowCounts.js";
import type { WindowPart } from "./WindowManager.js";

/** A window part as JSON: one partition's share of one window (profile, counts, input range). */
export interface PartState {
  v: 1;
  window_start_ms: number;
  topic: string;
  partition: number;
  counts: WindowCounts;
  first: Position | null;
  last: Position | null;
  profile: unknown;
}

export function serializePart(startMs: number, p: WindowPart): PartState {
  return {
    v: 1,
    window_start_ms: startMs,
    topic: p.partition.topic,
    partition: p.partition.partition,
    counts: p.counts,
    first: p.first ?? null,
    last: p.last ?? null,
    profile: p.profile.serialize(),
  };
}

const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const isCountMap = (x: unknown): x is Record<string, number> => typeof x === "object" && x !== null && !Array.isArray(x) && Object.values(x).every(isCount);

/** The part a PartState holds, checked (a part is read from Kafka: any byte may be wrong); throws an Error saying what is wrong. */
export function deserializePart(value: unknown): { startMs: number; part: WindowPart } {
  const o = value as Partial<PartState> | null;
  if (o === null || typeof o !== "object" || o.v !== 1) throw new Error("not a window part of version 1");
  if (!Number.isSafeInteger(o.window_start_ms)) throw new Error("window_start_ms must be an integer");
  if (typeof o.topic !== "string" || !Number.isSafeInteger(o.partition) || (o.partition as number) < 0) throw new Error("topic and partition are required");
  const c = o.counts as Partial<WindowCounts> | undefined;
  if (
    c === undefined ||
    c === null ||
    !isCount(c.records) ||
    !isCount(c.items) ||
    !isCount(c.late) ||
    !isCountMap(c.skipped) ||
    !isCountMap(c.malformed) ||
    !isCountMap(c.hook_errors)
  )
    throw new Error("counts must hold records, items, late and the skipped, malformed and hook_errors maps");
  const partition: PartitionKey = { topic: o.topic, partition: o.partition as number };
  return {
    startMs: o.window_start_ms as number,
    part: { partition, profile: DatasetProfile.deserialize(o.profile), counts: c as WindowCounts, first: o.first ?? undefined, last: o.last ?? undefined },
  };
}
