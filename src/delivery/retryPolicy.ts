/**
 * How one destination is retried: the delivery keys every delivering section shares
 * (src/delivery/schema.ts). `max_attempts` counts the first attempt.
 */
export interface RetryPolicy {
  readonly max_attempts: number;
  readonly backoff_initial_ms: number;
  readonly backoff_max_ms: number;
}

/**
 * The wait after failed attempt `attempt` (1-based), before the next one: "full jitter",
 * floor(random · min(backoff_max_ms, backoff_initial_ms · 2^(attempt−1))), so uniform in
 * [0, cap) for `random` in [0, 1); then at least the destination's Retry-After, itself capped at
 * backoff_max_ms (a server asking for an hour must not stall a queue configured for seconds).
 *
 * Why full jitter: of the schemes compared in the AWS Architecture Blog, "Exponential Backoff And
 * Jitter" (Marc Brooker, 2015), full jitter needs the fewest calls and about the least time for
 * competing clients to get through, and it is what the AWS SDKs' standard retry mode uses (AWS SDKs
 * and Tools Reference Guide, "Retry behavior"). Equal jitter's guaranteed half-delay buys nothing a
 * destination cannot ask for with Retry-After, which is honoured as a floor.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number, retryAfterMs?: number): number {
  const cap = Math.min(policy.backoff_max_ms, policy.backoff_initial_ms * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
  const jittered = Math.floor(random() * cap);
  const floor = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), policy.backoff_max_ms);
  return Math.max(jittered, Math.round(floor));
}
