import type { AlertEvent } from "./alertEvent.js";

/**
 * A destination of alert events. Contract: `send` gets the events of one window, in order; it
 * returns at once and never throws (delivery is queued and retried by the channel, outcomes are
 * counted on AlertMetrics and logged). `close(ms)` delivers what it can within `ms`, fails the rest.
 */
export interface AlertChannel {
  /** The `channel` label: `log`, `kafka`, `webhook:<name>`. */
  readonly name: string;
  send(events: readonly AlertEvent[]): void;
  close(timeoutMs: number): Promise<void>;
}
