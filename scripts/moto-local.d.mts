// Types for scripts/moto-local.mjs (plain ESM, imported by the TypeScript test setup).

export declare const MOTO_VERSION: string;
export declare const MOTO_REQUIREMENTS: readonly string[];

export declare class LocalMotoError extends Error {
  constructor(message: string, options?: { cause?: unknown });
}

export interface LocalMotoOptions {
  /** Port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Progress messages (install, ready); default: none. */
  log?: (message: string) => void;
  /** Virtual environment cache root; default DQSTREAM_CACHE_DIR, $XDG_CACHE_HOME/dqstream or ~/.cache/dqstream. */
  cacheDir?: string;
  /** How long one start may take until moto answers; default 60 000. */
  timeoutMs?: number;
  /** Called when moto exits without stop() asking it to. */
  onUnexpectedExit?: (info: { code: number | null; signal: NodeJS.Signals | null; logTail: string }) => void;
}

export interface LocalMoto {
  /** e.g. "http://127.0.0.1:40123"; the same after stop() and start(). */
  readonly url: string;
  readonly port: number;
  readonly version: string;
  readonly logFile: string;
  /** moto's process id; undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Starts moto again on the same port (empty: moto keeps its state in memory); resolves once it answers. No-op when running. */
  start(): Promise<void>;
  /** Stops moto (SIGTERM, SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>;
  /** Stops moto and removes its log folder. */
  close(): Promise<void>;
}

export declare function startLocalMoto(options?: LocalMotoOptions): Promise<LocalMoto>;
/** Creates (once) the cached virtual environment with moto; returns its python. */
export declare function ensureMotoVenv(options?: { cacheDir?: string; python?: string; log?: (message: string) => void }): Promise<string>;
export declare function cacheRoot(env?: NodeJS.ProcessEnv): string;
export declare function freePort(): Promise<number>;
