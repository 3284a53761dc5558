import type { PartitionKey } from "../records/SourceRecord.js";
import type { WindowPart } from "./WindowManager.js";
import type { LocalParts } from "./localParts.js";
import { deserializePart, serializePart } from "./windowPart.js";

/**
 * The messages of the parts topic (docs/design-monitor.md, "Two stages over Kafka"): stage 1
 * publishes each input partition's share of a closed window (a part) and how far the partition's
 * windows are closed (progress); stage 2 assembles a window once every input partition's progress
 * has passed its end. A part longer than the topic's message limit is cut into chunks, published
 * one after another in one transaction (so a read_committed consumer sees all of them or none),
 * each naming its part and its place; the decoder joins them back.
 *
 * Keys: a part's is its window (`w/<start ms>`), a progress message's its input partition
 * (`p/<topic>@<partition>`): what compaction would keep apart.
 */
export type PartsMessage =
  /** `taken`: the part this process published, taken back instead of decoded (LocalParts). */
  | { readonly kind: "part"; readonly startMs: number; readonly part: WindowPart; readonly taken: boolean }
  | { readonly kind: "progress"; readonly partition: PartitionKey; readonly closedUpToMs: number };

/** A message to produce: its key, value and headers. */
export interface OutgoingPartsMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** A message consumed (kafkajs gives header values as Buffers). */
export interface IncomingPartsMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined> | undefined;
}

export const KIND_HEADER = "dqstream-kind";
export const PART_HEADER = "dqstream-part";
export const CHUNK_HEADER = "dqstream-chunk";

/** Room left in a message for its key, headers and the record batch's framing. */
const MESSAGE_OVERHEAD_BYTES = 1024;
/** Chunks one part may have: a bound on what a decoder holds for a part it has not seen whole. */
export const MAX_CHUNKS = 4096;

/**
 * Unfinished parts a decoder holds at once, and their bytes. Stage 1's producers (one per input
 * partition) each write a part's chunks one after another in one transaction, so a reader has at
 * most one unfinished part per input partition at a time; the bounds are far above that and keep
 * a writer that only ever starts parts (not dqstream) from filling the memory.
 */
export const MAX_PENDING_PARTS = 4_096;
export const MAX_PENDING_BYTES = 1 << 30;

export interface PartsDecoderLimits {
  readonly maxPendingParts?: number;
  readonly maxPendingBytes?: number;
  /** Told why an unfinished part was dropped to keep the bounds (the caller logs it). */
  readonly onDropped?: (reason: string) => void;
}

const partId = (startMs: number, p: PartitionKey): string => `${startMs}/${p.topic}@${p.partition}`;

/** A part as messages of at most `maxMessageBytes` (the parts topic's max.message.bytes); `local` remembers it for this process's stage 2. */
export function encodePart(startMs: number, part: WindowPart, maxMessageBytes: number, local?: LocalParts): OutgoingPartsMessage[] {
  const body = Buffer.from(JSON.stringify(serializePart(startMs, part)), "utf8");
  const chunkBytes = Math.max(1024, maxMessageBytes - MESSAGE_OVERHEAD_BYTES);
  const n = Math.max(1, Math.ceil(body.length / chunkBytes));
  if (n > MAX_CHUNKS) throw new RangeError(`a window part of ${body.length} bytes needs ${n} chunks of ${chunkBytes} bytes, more than ${MAX_CHUNKS}`);
  const id = partId(startMs, part.partition);
  local?.remember(id, body, startMs, part);
  return Array.from({ length: n }, (_, i) => ({
    key: `w/${startMs}`,
    value: body.subarray(i * chunkBytes, (i + 1) * chunkBytes),
    headers: { [KIND_HEADER]: "part", [PART_HEADER]: id, [CHUNK_HEADER]: `${i}/${n}` },
  }));
}

export function encodeProgress(partition: PartitionKey, closedUpToMs: number): OutgoingPartsMessage {
  return {
    key: `p/${partition.topic}@${partition.partition}`,
    value: Buffer.from(JSON.stringify({ v: 1, topic: partition.topic, partition: partition.partition, closed_up_to_ms: closedUpToMs }), "utf8"),
    headers: { [KIND_HEADER]: "progress" },
  };
}

/** A parts-topic message that cannot be read, and why. */
export class PartMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PartMessageError";
  }
}

const header = (m: IncomingPartsMessage, name: string): string | undefined => {
  const h = m.headers?.[name];
  const v: Buffer | string | undefined = Array.isArray(h) ? (h as ReadonlyArray<Buffer | string>)[h.length - 1] : (h as Buffer | string | undefined);
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
};

/**
 * Reads parts-topic messages in partition order. A chunk is held until its part is whole; a part
 * whose chunks do not follow each other (a chunk missing, a new first chunk) is dropped with a
 * PartMessageError for the caller to log: stage 1's transactions make that impossible unless the
 * topic was written by something else.
 */
export class PartsDecoder {
  /** Unfinished parts, oldest first (a part started again moves to the end). */
  readonly #pending = new Map<string, { n: number; chunks: Buffer[] }>();
  #pendingBytes = 0;
  readonly #limits: Required<PartsDecoderLimits>;

  /** `local`: the parts this process published, taken instead of decoded when the bytes read are theirs. */
  constructor(
    readonly local?: LocalParts,
    limits: PartsDecoderLimits = {},
  ) {
    this.#limits = {
      maxPendingParts: limits.maxPendingParts ?? MAX_PENDING_PARTS,
      maxPendingBytes: limits.maxPendingBytes ?? MAX_PENDING_BYTES,
      onDropped: limits.onDropped ?? (() => {}),
    };
  }

  /** Parts started and not yet whole. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  #forget(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    for (const c of p.chunks) this.#pendingBytes -= c.length;
    this.#pending.delete(id);
  }

  /** Drops the oldest unfinished parts (never `keep`) until the limits hold. */
  #bound(keep: string): void {
    for (const [id, p] of this.#pending) {
      if (this.#pending.size <= this.#limits.maxPendingParts && this.#pendingBytes <= this.#limits.maxPendingBytes) return;
      if (id === keep) continue;
      this.#forget(id);
      this.#limits.onDropped(
        `part ${id} dropped unfinished (${p.chunks.length} of ${p.n} chunks read): more than ${this.#limits.maxPendingParts} parts or ${this.#limits.maxPendingBytes} bytes were unfinished at once`,
      );
    }
  }

  /** The message read, undefined while a part's chunks are incomplete; throws PartMessageError for one it cannot read. */
  push(m: IncomingPartsMessage): PartsMessage | undefined {
    const kind = header(m, KIND_HEADER);
    if (m.value === null) throw new PartMessageError("a message without a value");
    if (kind === "progress") return decodeProgress(m.value);
    if (kind !== "part") throw new PartMessageError(`unknown ${KIND_HEADER} "${kind ?? ""}"`);
    const id = header(m, PART_HEADER);
    const chunk = /^(\d+)\/(\d+)$/.exec(header(m, CHUNK_HEADER) ?? "");
    if (id === undefined || chunk === null) throw new PartMessageError(`a part without ${PART_HEADER} and ${CHUNK_HEADER} headers`);
    const [i, n] = [Number(chunk[1]), Number(chunk[2])];
    if (n < 1 || n > MAX_CHUNKS || i >= n) throw new PartMessageError(`chunk ${i}/${n} of part ${id} is out of range`);
    let p = this.#pending.get(id);
    if (i === 0) {
      const dropped = p !== undefined;
      this.#forget(id);
      p = { n, chunks: [] };
      this.#pending.set(id, p);
      if (dropped) {
        this.#add(id, p, m.value);
        throw new PartMessageError(`part ${id} started again before its last chunk: the earlier chunks are dropped`);
      }
    }
    if (p === undefined || p.n !== n || p.chunks.length !== i) {
      this.#forget(id);
      throw new PartMessageError(`chunk ${i}/${n} of part ${id} does not follow the chunks read before: the part is dropped`);
    }
    this.#add(id, p, m.value);
    if (p.chunks.length < n) return undefined;
    this.#forget(id);
    const body = Buffer.concat(p.chunks);
    const own = this.local?.take(id, body);
    if (own !== undefined) return { kind: "part", startMs: own.startMs, part: own.part, taken: true };
    let value: unknown;
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch (e) {
      throw new PartMessageError(`part ${id} is not JSON: ${(e as Error).message}`);
    }
    try {
      const { startMs, part } = deserializePart(value);
      if (partId(startMs, part.partition) !== id) throw new Error(`its content is part ${partId(startMs, part.partition)}`);
      return { kind: "part", startMs, part, taken: false };
    } catch (e) {
      throw new PartMessageError(`part ${id}: ${(e as Error).message}`);
    }
  }

  #add(id: string, p: { chunks: Buffer[] }, chunk: Buffer): void {
    p.chunks.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#bound(id);
  }

  /** Parts started and not yet whole (after a rebalance, their first chunks come again). */
  clear(): void {
    this.#pending.clear();
    this.#pendingBytes = 0;
  }
}

function decodeProgress(value: Buffer): PartsMessage {
  let o: { v?: unknown; topic?: unknown; partition?: unknown; closed_up_to_ms?: unknown };
  try {
    o = JSON.parse(value.toString("utf8")) as typeof o;
  } catch (e) {
    throw new PartMessageError(`a progress message that is not JSON: ${(e as Error).message}`);
  }
  if (o === null || typeof o !== "object" || o.v !== 1 || typeof o.topic !== "string" || !Number.isSafeInteger(o.partition) || (o.partition as number) < 0)
    throw new PartMessageError("a progress message without v 1, topic and partition");
  const ms = o.closed_up_to_ms;
  // -∞ (nothing closed yet) does not survive JSON: null stands for it
  const closedUpToMs = ms === null ? Number.NEGATIVE_INFINITY : ms;
  if (typeof closedUpToMs !== "number" || !(Number.isSafeInteger(closedUpToMs) || closedUpToMs === Number.NEGATIVE_INFINITY))
    throw new PartMessageError("closed_up_to_ms must be an integer or null");
  return { kind: "progress", partition: { topic: o.topic, partition: o.partition as number }, closedUpToMs };
}
