// Types for scripts/python-venv.mjs (plain ESM, imported by TypeScript tests through the scripts that use it).

export declare const PIP_TIMEOUT_MS: number;

export declare class PythonVenvError extends Error {
  constructor(message: string, options?: { cause?: unknown });
}

export interface EnsureVenvOptions {
  /** Folder name under the cache root, e.g. "sagemaker-sdk-venv-2.257.7". */
  name: string;
  /** pip requirement specifiers, installed together; the marker file records them. */
  requirements: readonly string[];
  /** What the messages call it; default `name`. */
  label?: string;
  /** Oldest Python accepted, [major, minor]; checked before anything is created. */
  minPython?: readonly [number, number];
  /** Cache root; default DQSTREAM_CACHE_DIR, $XDG_CACHE_HOME/dqstream or ~/.cache/dqstream. */
  cacheDir?: string;
  /** The Python that creates the venv; default "python3". */
  python?: string;
  /** Progress messages (creating, installed in N s); default: none. */
  log?: (message: string) => void;
}

/** Creates (once) the cached virtual environment; returns its python. */
export declare function ensureVenv(options: EnsureVenvOptions): Promise<string>;
/** Runs a command; resolves with its combined output, rejects with a PythonVenvError quoting its tail. */
export declare function runCommand(
  cmd: string,
  args: readonly string[],
  options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<string>;
export declare function cacheRoot(env?: NodeJS.ProcessEnv): string;
