import { pino, type Logger } from "pino";
import { secrets } from "./redaction.js";

export type { Logger };

/**
 * Structured JSON logs (pino) on standard error, so standard output stays free for command
 * output. Level from the argument, else DQSTREAM_LOG_LEVEL, else "info". Lines are scrubbed of
 * the registered secrets (redaction.ts).
 */
export function createLogger(level?: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level: level ?? process.env["DQSTREAM_LOG_LEVEL"] ?? "info",
      base: { service: "dqstream" },
      // every line, whatever put a secret into it (an error quoting a URL), is scrubbed
      hooks: { streamWrite: (line) => secrets.scrub(line) },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that discards everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
