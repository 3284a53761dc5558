import { setFlagsFromString } from "node:v8";
import { ConfigError } from "./loadConfig.js";

export const HEAP_GROWING_VARIABLE = "DQSTREAM_HEAP_GROWING_PERCENT";
/**
 * V8 grows the old generation by a factor it picks from its GC throughput, up to 4× the live heap
 * (v8/src/heap/heap-controller.cc). A wide window's profiles make mostly short-lived garbage, so at
 * hundreds of features the resident set settles far above the live heap: replaying 500 features
 * peaked at 632 MB with V8's growth and at 364 MB with 50 (growth ×1.5), for about 8 % more time.
 * At 20 features the same setting cost the monitor 20 % of its throughput to save 80 MB (255 →
 * 175), so `auto` applies it from WIDE_FEATURES baseline features on (bench/README.md, "Issue 12").
 */
export const WIDE_HEAP_GROWING_PERCENT = 50;
export const WIDE_FEATURES = 100;
const MAX_HEAP_GROWING_PERCENT = 300;

/** `auto` (unset), or the percentage the user set (0: V8's own growth). */
export type HeapGrowing = "auto" | number;

/** DQSTREAM_HEAP_GROWING_PERCENT, or a ConfigError naming it. */
export function heapGrowingSetting(env: NodeJS.ProcessEnv): HeapGrowing {
  const raw = env[HEAP_GROWING_VARIABLE]?.trim();
  if (raw === undefined || raw === "" || raw === "auto") return "auto";
  const percent = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(percent >= 0 && percent <= MAX_HEAP_GROWING_PERCENT))
    throw new ConfigError(
      `${HEAP_GROWING_VARIABLE} must be auto or an integer from 0 (V8's default) to ${MAX_HEAP_GROWING_PERCENT}, got "${env[HEAP_GROWING_VARIABLE]}"`,
    );
  return percent;
}

/** The V8 flag for a setting and the baseline's width (undefined: leave V8's growth). Pure. */
export function heapGrowingFlag(setting: HeapGrowing, features: number | undefined): string | undefined {
  const percent = setting === "auto" ? (features !== undefined && features >= WIDE_FEATURES ? WIDE_HEAP_GROWING_PERCENT : 0) : setting;
  return percent === 0 ? undefined : `--heap-growing-percent=${percent}`;
}

/**
 * Applies DQSTREAM_HEAP_GROWING_PERCENT: at start-up (no width yet: a bad value is a configuration
 * error, exit 2, before any work; a fixed percentage applies now), and again once the baseline is
 * loaded, when `auto` gives wide baselines the ×1.5 growth. Setting the same flag twice is harmless.
 */
export function applyHeapSetting(features?: number, env: NodeJS.ProcessEnv = process.env): void {
  const flag = heapGrowingFlag(heapGrowingSetting(env), features);
  if (flag !== undefined) setFlagsFromString(flag);
}
