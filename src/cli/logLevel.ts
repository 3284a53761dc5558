import { Option } from "commander";
import { UsageError } from "./exitCodes.js";

/** pino's levels, the values `--log-level` and DQSTREAM_LOG_LEVEL take. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** `--log-level <level>`, refusing anything but a pino level (exit 2) before a logger is made. */
export function logLevelOption(defaultLevel: string): Option {
  return new Option("--log-level <level>", `log level of the JSON logs on stderr (default ${defaultLevel})`).choices(LOG_LEVELS);
}

/**
 * The level DQSTREAM_LOG_LEVEL sets, checked: createLogger falls back to it, and pino throws
 * (with a stack) on a level it does not know.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const level = env["DQSTREAM_LOG_LEVEL"];
  if (level === undefined || (LOG_LEVELS as readonly string[]).includes(level)) return level;
  throw new UsageError(`DQSTREAM_LOG_LEVEL: expected one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
}
