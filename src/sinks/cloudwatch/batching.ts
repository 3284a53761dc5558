import type { Datum } from "./datums.js";
import { Deque } from "../../delivery/deque.js";
import { datumBytes, envelopeBytes, PUT_METRIC_DATA_LIMITS, type PutMetricDataLimits } from "./limits.js";

/** One PutMetricData request's content: datums of one namespace, within the request limits. */
export interface Batch {
  readonly namespace: string;
  readonly datums: readonly Datum[];
  /** Estimated JSON body bytes before gzip. */
  readonly bytes: number;
}

/**
 * Takes datums of `namespace` from the head of `queue`, in order, while the batch stays within
 * `limits.maxDatums` datums and `limits.maxBodyBytes` body bytes. Invariant: the batch holds at
 * least one datum when the queue is not empty (a single datum always fits: names ≤ 255, 30
 * dimensions ≤ 1279 bytes each, so < 40 KB).
 */
export function takeBatch(queue: Deque<Datum>, namespace: string, limits: PutMetricDataLimits = PUT_METRIC_DATA_LIMITS): Batch {
  const datums: Datum[] = [];
  let bytes = envelopeBytes(namespace);
  for (let d = queue.peek(); d !== undefined; d = queue.peek()) {
    const size = datumBytes(d);
    if (datums.length > 0 && (datums.length >= limits.maxDatums || bytes + size > limits.maxBodyBytes)) break;
    datums.push(d);
    bytes += size;
    queue.shift();
  }
  return { namespace, datums, bytes };
}

/**
 * Splits datums into requests: grouped by namespace (namespaces in order of first appearance,
 * datums in their order within each), each request within the limits.
 */
export function splitBatches(datums: readonly Datum[], limits: PutMetricDataLimits = PUT_METRIC_DATA_LIMITS): Batch[] {
  const queues = new Map<string, Deque<Datum>>();
  for (const d of datums) {
    let q = queues.get(d.namespace);
    if (q === undefined) queues.set(d.namespace, (q = new Deque()));
    q.push(d);
  }
  const out: Batch[] = [];
  for (const [namespace, q] of queues) while (q.length > 0) out.push(takeBatch(q, namespace, limits));
  return out;
}
