import type { EventEmitter } from "node:events";

/** Signals that ask a long-running command to stop. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * Calls `stop` on the first SIGTERM or SIGINT, once. The handlers stay for the life of the
 * process: a second signal during the shutdown, or while the process drains after it, is
 * ignored rather than left to the signal's default action, which would end the process at once
 * with no exit status. `ignore()` makes signals no-ops from then on without calling `stop` (the
 * command has stopped by itself and exits with its own status).
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, signals: Pick<EventEmitter, "on"> = process): { ignore(): void } {
  let done = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (done) return;
    done = true;
    stop(signal);
  };
  for (const s of STOP_SIGNALS) signals.on(s, handler);
  return {
    ignore: () => {
      done = true;
    },
  };
}
