import { setFlagsFromString } from "node:v8";
import { UsageError } from "./exitCodes.js";

export const HEAP_GROWING_VARIABLE = "DQSTREAM_HEAP_GROWING_PERCENT";
/**
 * V8 grows the old generation by a factor it picks from its GC throughput, up to 4× the live
 * heap (v8/src/heap/heap-controller.cc); a window of wide profiles is mostly short-lived garbage,
 * so the resident set settles far above the live heap. 50 (growth ×1.5) keeps it near the live
 * heap for about 5 % more time (bench/README.md, "Memory").
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;
const MAX_HEAP_GROWING_PERCENT = 300;

/**
 * The V8 flag for `DQSTREAM_HEAP_GROWING_PERCENT` (0: V8's own choice, no flag), or a UsageError
 * naming the variable. Pure: `applyHeapTuning` sets it.
 */
export function heapGrowingFlag(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[HEAP_GROWING_VARIABLE];
  let percent = DEFAULT_HEAP_GROWING_PERCENT;
  if (raw !== undefined && raw !== "") {
    percent = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!(percent >= 0 && percent <= MAX_HEAP_GROWING_PERCENT))
      throw new UsageError(`${HEAP_GROWING_VARIABLE} must be an integer from 0 (V8's default) to ${MAX_HEAP_GROWING_PERCENT}, got "${raw}"`);
  }
  return percent === 0 ? undefined : `--heap-growing-percent=${percent}`;
}

/** Sets the process's heap growth (before the commands allocate their working set). */
export function applyHeapTuning(env: NodeJS.ProcessEnv = process.env): void {
  const flag = heapGrowingFlag(env);
  if (flag !== undefined) setFlagsFromString(flag);
}
