import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelayMs, type RetryPolicy } from "../delivery/retryPolicy.js";
import type { BlockingDestination, MonitorMetrics } from "../telemetry/metrics.js";
import type { Logger } from "../telemetry/logger.js";
import { logEvent } from "../telemetry/logEvents.js";

/** Longest wait without a heartbeat (kafkajs sends one only when heartbeat_interval_ms has passed). */
const HEARTBEAT_SLICE_MS = 1_000;

/** Delays between attempts while blocked: up to 0.5 s doubling to 30 s, full jitter (src/delivery/retryPolicy.ts); no attempt limit. */
const POLICY: RetryPolicy = { max_attempts: Number.POSITIVE_INFINITY, backoff_initial_ms: 500, backoff_max_ms: 30_000 };

export interface UntilDeliveredOptions {
  readonly destination: BlockingDestination;
  /** What the destination is, for the log ("dead-letter topic dqstream-dead-letter"). */
  readonly description: string;
  readonly log: Logger;
  readonly metrics: MonitorMetrics;
  /** Told when the monitor becomes blocked on this destination and when it is not any more (readiness). */
  readonly onBlocked: (destination: BlockingDestination, since: number | undefined) => void;
  /**
   * Keeps the consumer's group membership while waiting; a rejection (rebalance) gives the delivery
   * up when the attempt fails or between attempts, not when the attempt succeeds (it was delivered).
   */
  readonly heartbeat?: (() => Promise<void>) | undefined;
  /** Aborted when the monitor stops: the delivery is given up (nothing after it was committed). */
  readonly signal: AbortSignal;
}

/**
 * Runs a delivery that must not be skipped (dead letters before their offsets are committed, the
 * reports of closed windows) until it succeeds: a failure is retried with backoff in place, so
 * the state of the batch in hand is kept and nothing is counted twice or lost; nothing after it is
 * committed meanwhile. While it fails, the monitor is blocked: one log line when it becomes
 * blocked and one when it is not any more (never one per attempt), `dqstream_blocked{destination}`
 * is 1, `dqstream_delivery_retries_total` counts the attempts, and /readyz says why (onBlocked).
 * Each attempt is bounded by the destination's own client (Kafka's retries and request timeout,
 * the file system); the wait between attempts by 30 s.
 */
export async function untilDelivered<T>(attempt: () => Promise<T>, o: UntilDeliveredOptions): Promise<T> {
  let failures = 0;
  let since: number | undefined;
  for (;;) {
    // an attempt may take long (the Kafka client's own retries): heartbeats go on meanwhile
    let lost: unknown;
    const beat = o.heartbeat;
    const beats = beat === undefined ? undefined : setInterval(() => void beat().catch((e: unknown) => (lost ??= e)), HEARTBEAT_SLICE_MS);
    try {
      // a heartbeat lost meanwhile does not undo a delivery that succeeded: the caller goes on to
      // commit it, and meets the rebalance at its next heartbeat (stage 2 would otherwise have the
      // next owner report the window again)
      const result = await attempt().finally(() => clearInterval(beats));
      if (since !== undefined) {
        o.metrics.blocked(o.destination, false);
        o.onBlocked(o.destination, undefined);
        logEvent(o.log, "delivery_unblocked", {
          destination: o.destination,
          target: o.description,
          attempts: failures + 1,
          blocked_seconds: Math.round((Date.now() - since) / 1000),
        });
      }
      return result;
    } catch (e) {
      if (o.signal.aborted || lost !== undefined) {
        if (since !== undefined) {
          o.metrics.blocked(o.destination, false);
          o.onBlocked(o.destination, undefined);
        }
        throw lost ?? e;
      }
      failures++;
      o.metrics.deliveryRetried(o.destination);
      if (since === undefined) {
        since = Date.now();
        o.metrics.blocked(o.destination, true);
        o.onBlocked(o.destination, since);
        logEvent(o.log, "delivery_blocked", { err: e, destination: o.destination, target: o.description });
      }
      try {
        // the wait is cut in slices with a heartbeat after each, so that waiting longer than the
        // session timeout never costs the group membership
        for (let left = backoffDelayMs(POLICY, failures, Math.random); left > 0; left -= HEARTBEAT_SLICE_MS) {
          await sleep(Math.min(left, HEARTBEAT_SLICE_MS), undefined, { signal: o.signal });
          await o.heartbeat?.();
        }
      } catch (stop) {
        // stopping, or the group is rebalancing: the delivery is given up, uncommitted (the
        // records are read again and the delivery retried by whoever owns them next)
        o.metrics.blocked(o.destination, false);
        o.onBlocked(o.destination, undefined);
        logEvent(o.log, "delivery_given_up", {
          destination: o.destination,
          target: o.description,
          attempts: failures,
          reason: o.signal.aborted ? "stopping" : String((stop as Error).message ?? stop),
        });
        throw o.signal.aborted ? e : stop;
      }
    }
  }
}
