import { isoSeconds } from "./tumblingWindows.js";

/**
 * When an event time is implausible (issue: one record stamped 9999-12-31 must not move its
 * partition's watermark and blind the monitor). Deterministic: a function of the partition's
 * records, never of the wall clock in replay. Every record's time is judged against a reference:
 *
 * - a record with a source timestamp (the Kafka message's CreateTime or LogAppendTime, stored in
 *   the log, so the same on every re-read): implausible when it is more than `maxAheadMs` after
 *   that timestamp. Kafka brokers apply the same rule to message timestamps themselves
 *   (`log.message.timestamp.after.max.ms`, 1 hour by default since Kafka 4.0, KIP-937); a
 *   timestamp that is itself in the future is capped at the wall clock (`now`), so a producer
 *   lying in both cannot blind the monitor either;
 * - a record without one (replay, `confirmJumps`): judged against the partition's greatest event
 *   time. A time more than `maxAheadMs` after it, or the partition's first time, must be confirmed
 *   by the partition's next timed record (within `maxAheadMs` of it): a gap in real traffic is
 *   confirmed and loses nothing, a lone outlier is not and is dead-lettered. Until confirmed the
 *   record is held back (it has not moved the watermark);
 * - a record without one in the monitor (messages in the pre-0.10 format carry no timestamp):
 *   implausible when more than `maxAheadMs` after the partition's greatest event time.
 */
export interface PlausibilityOptions {
  readonly maxAheadMs: number;
  /** Replay: hold jumps until the next record confirms them (see above). */
  readonly confirmJumps: boolean;
  /** The wall clock (monitor only), capping a source timestamp from the future. */
  readonly now?: () => number;
}

export type Plausibility = { readonly verdict: "plausible" } | { readonly verdict: "implausible"; readonly detail: string } | { readonly verdict: "confirm" };

const PLAUSIBLE: Plausibility = { verdict: "plausible" };
const CONFIRM: Plausibility = { verdict: "confirm" };

export function judgeEventTime(eventMs: number, sourceTimestampMs: number | undefined, partitionMaxMs: number, o: PlausibilityOptions): Plausibility {
  const ahead = `${o.maxAheadMs / 1000} s`;
  if (sourceTimestampMs !== undefined) {
    const now = o.now?.();
    const ref = now === undefined ? sourceTimestampMs : Math.min(sourceTimestampMs, now);
    if (eventMs <= ref + o.maxAheadMs) return PLAUSIBLE;
    const of =
      ref === sourceTimestampMs
        ? `its source timestamp ${isoSeconds(ref)}`
        : `the current time ${isoSeconds(ref)} (its source timestamp ${isoSeconds(sourceTimestampMs)} is in the future)`;
    return { verdict: "implausible", detail: `event time ${isoSeconds(eventMs)} is more than ${ahead} after ${of}` };
  }
  if (o.confirmJumps) return !Number.isFinite(partitionMaxMs) || eventMs > partitionMaxMs + o.maxAheadMs ? CONFIRM : PLAUSIBLE;
  if (Number.isFinite(partitionMaxMs) && eventMs > partitionMaxMs + o.maxAheadMs) {
    return {
      verdict: "implausible",
      detail: `event time ${isoSeconds(eventMs)} is more than ${ahead} after the partition's greatest event time ${isoSeconds(partitionMaxMs)}`,
    };
  }
  return PLAUSIBLE;
}

/** Whether a held record's time is confirmed by the partition's next timed record. */
export function confirms(nextMs: number, heldMs: number, o: PlausibilityOptions): boolean {
  return Math.abs(nextMs - heldMs) <= o.maxAheadMs;
}

/** The dead letter's detail of a held record that was not confirmed. */
export function unconfirmedDetail(heldMs: number, partitionMaxMs: number, nextMs: number | undefined, o: PlausibilityOptions): string {
  const ahead = `${o.maxAheadMs / 1000} s`;
  const jump = Number.isFinite(partitionMaxMs)
    ? `is more than ${ahead} after the partition's greatest event time ${isoSeconds(partitionMaxMs)}`
    : "is the partition's first";
  const next =
    nextMs === undefined
      ? "no later record of the partition confirms it"
      : `the partition's next record (${isoSeconds(nextMs)}) is more than ${ahead} away from it`;
  return `event time ${isoSeconds(heldMs)} ${jump}, and ${next}`;
}
