/**
 * dqstream's one error model: every error it raises on purpose is a DqstreamError with
 *  - `code`: what kind of failure, stable for programs (logs, tests) to match on;
 *  - `retriable`: whether the same call may succeed later unchanged (a throttled or unreachable
 *    destination) or not (a bad file, a bad setting);
 *  - `cause`: the underlying error, when there is one (standard Error.cause);
 * and the CLI maps `code` to its exit code (exitCodeOf). Anything else that reaches the CLI is a
 * bug, printed with its stack as an internal error.
 */
export const ERROR_CODES = {
  /** Bad arguments (the CLI's own checks). */
  usage: 2,
  /** A configuration problem: file, flag or variable, key and expectation. */
  config: 2,
  /** A hook module that cannot be loaded. */
  hook_load: 2,
  /** An input that could not be opened or decoded, or a resource held by another process. */
  input: 1,
  /** A file that could not be read, parsed or validated. */
  format: 1,
  /** A file or folder that could not be written. */
  write: 1,
  /** A failed CloudWatch call. */
  cloudwatch_call: 1,
  /** A checkpointed sketch state this version cannot read. */
  sketch_state: 1,
} as const satisfies Record<string, 1 | 2>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DqstreamError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }

  /** The CLI's exit code for this error: 2 for what the caller must change in how dqstream is called, 1 for the rest. */
  get exitCode(): 1 | 2 {
    return ERROR_CODES[this.code];
  }
}
