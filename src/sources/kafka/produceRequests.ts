/** What is sized of a message (kafkaClient's OutgoingMessage, without importing the client). */
export interface SizedMessage {
  readonly key?: string;
  readonly value: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Room a produce request keeps for framing: a record batch's header (61 bytes in format v2) and
 * each record's varint lengths and attributes (at most a few dozen bytes), with a margin.
 */
export const BATCH_OVERHEAD_BYTES = 512;
const RECORD_OVERHEAD_BYTES = 64;

/** A message's size in a record batch, framing included (an upper bound). */
export function messageBytes(m: SizedMessage): number {
  let n = RECORD_OVERHEAD_BYTES + Buffer.byteLength(m.key ?? "") + (typeof m.value === "string" ? Buffer.byteLength(m.value) : m.value.length);
  for (const [k, v] of Object.entries(m.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return n;
}

/**
 * Messages for one partition, in order, cut into produce requests whose record batch stays within
 * `maxMessageBytes`: the broker checks each partition's batch, not each message, against the
 * topic's max.message.bytes (MESSAGE_TOO_LARGE otherwise). A message that alone passes the budget
 * is a request of its own (its producer made it fit the topic: a truncated dead letter, a part's
 * chunk).
 */
export function produceRequests<M extends SizedMessage>(messages: readonly M[], maxMessageBytes: number): M[][] {
  const budget = maxMessageBytes - BATCH_OVERHEAD_BYTES;
  const out: M[][] = [];
  let request: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (request.length > 0 && bytes + size > budget) {
      out.push(request);
      request = [];
      bytes = 0;
    }
    request.push(m);
    bytes += size;
  }
  if (request.length > 0) out.push(request);
  return out;
}
