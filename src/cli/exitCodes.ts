import { DqstreamError } from "../errors/DqstreamError.js";

/** Process exit codes shared by every command. */
export const ExitCode = {
  Ok: 0,
  /** Unreadable input or baseline, or a failure while running. */
  Failure: 1,
  /** Bad arguments or configuration. */
  Usage: 2,
} as const;

/** A usage error: the CLI prints the message and exits 2. */
export class UsageError extends DqstreamError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}
