import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { PreprocessContext, PreprocessOutcome, Preprocessor } from "./Preprocessor.js";
import { hookRows } from "./hookRows.js";
import { WORKER_SOURCE } from "./workerSource.js";
import { DqstreamError } from "../errors/DqstreamError.js";

/** How long a hook module may take to load, by default (or the call timeout, if longer). */
export const LOAD_TIMEOUT_MS = 10_000;

/** A hook module that cannot be loaded: a configuration error. */
export class HookLoadError extends DqstreamError {
  constructor(
    readonly modulePath: string,
    detail: string,
  ) {
    super("hook_load", `hook module ${modulePath}: ${detail}`);
    this.name = "HookLoadError";
  }
}

export type HookFunction = "preprocess" | "postprocess";

/** One item's outcome; `value` is what preprocess returned (copied from the worker), unchecked. */
export type HookOutcome = { ok: true; value?: unknown } | { ok: false; kind: string; detail: string };

/** Why a run in one worker stopped before its last item: the item it stopped at, and how. */
interface Stop {
  index: number;
  timeout: boolean;
  detail: string;
  /** The worker died before it started the run (it was dying already): the item is not to blame. */
  notStarted?: boolean;
}

interface Job {
  fn: HookFunction;
  items: Array<{ arg: unknown; context: unknown }>;
  outcomes: Array<HookOutcome | undefined>;
}

/**
 * Runs a user's hook module in a worker thread with a per-item timeout.
 *
 * Contract: `run` resolves with one outcome per item, in order, and never rejects for the hook's
 * fault. A hook that throws gives `<fn>_error`; one that neither returns nor advances for
 * `timeoutMs` (a hung promise or a synchronous endless loop alike) gives `<fn>_timeout`: the
 * worker is terminated, a fresh one loads the module, and the remaining items run there. So a bad
 * hook costs the items it fails on, never the monitor. A worker that dies (process.exit in the hook,
 * an uncaught error in the hook's own timers or promises) fails the item in progress with
 * `<fn>_error`, and the next items run in a fresh worker the same way.
 */
export class HookRunner implements Preprocessor {
  readonly modulePath: string;
  readonly timeoutMs: number;
  readonly loadTimeoutMs: number;
  /** The live worker; undefined once it has exited or the runner is closed. */
  #worker: Worker | undefined;
  #closed = false;
  /** The uncaught error that is ending the current worker, if any. */
  #crash: string | undefined;
  #exports: Set<string> = new Set();
  #progress = new Int32Array(new SharedArrayBuffer(8));
  #job = 0;
  #restarts = 0;

  private constructor(modulePath: string, timeoutMs: number, loadTimeoutMs: number) {
    this.modulePath = resolve(modulePath);
    this.timeoutMs = timeoutMs;
    this.loadTimeoutMs = loadTimeoutMs;
  }

  /** Loads the module in a worker; rejects with HookLoadError when it cannot be imported. */
  static async start(modulePath: string, timeoutMs: number, loadTimeoutMs: number = LOAD_TIMEOUT_MS): Promise<HookRunner> {
    const runner = new HookRunner(modulePath, timeoutMs, loadTimeoutMs);
    await runner.#spawn();
    return runner;
  }

  has(fn: HookFunction): boolean {
    return this.#exports.has(fn);
  }

  /** Worker restarts after timeouts or worker deaths so far. */
  get restarts(): number {
    return this.#restarts;
  }

  async #spawn(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath: this.modulePath, progress: this.#progress.buffer } });
    worker.unref();
    this.#worker = worker;
    this.#crash = undefined;
    // For the worker's whole life: an uncaught error in the hook's own async code (a timer that
    // throws, an unhandled rejection) ends the worker, and an "error" event without a listener
    // would end the monitor.
    worker.on("error", (e: unknown) => {
      if (this.#worker === worker) this.#crash = describeError(e);
    });
    worker.once("exit", () => {
      if (this.#worker === worker) this.#worker = undefined;
    });
    await new Promise<void>((resolvePromise, reject) => {
      const onMessage = (m: { type: string; exports?: string[]; detail?: string }): void => {
        if (m.type === "ready") {
          this.#exports = new Set(m.exports);
          cleanup();
          resolvePromise();
        } else if (m.type === "load_error") {
          cleanup();
          void worker.terminate();
          reject(new HookLoadError(this.modulePath, m.detail ?? "cannot be loaded"));
        }
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(new HookLoadError(this.modulePath, e.message));
      };
      const onExit = (code: number): void => {
        // e.g. process.exit() at the module's top level: no message, no error
        cleanup();
        reject(new HookLoadError(this.modulePath, `the worker exited with code ${code} while loading it`));
      };
      // a module that never finishes loading (a top-level endless loop or await) must not hang
      // the start, nor a respawn after a timeout
      const loadLimitMs = Math.max(this.loadTimeoutMs, this.timeoutMs);
      const timer = setTimeout(() => {
        cleanup();
        void worker.terminate();
        reject(new HookLoadError(this.modulePath, `did not finish loading within ${loadLimitMs} ms`));
      }, loadLimitMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
    });
  }

  async run(items: ReadonlyArray<{ record: unknown; context: PreprocessContext }>): Promise<PreprocessOutcome[]> {
    const outcomes = await this.call(
      "preprocess",
      items.map((i) => ({ arg: i.record, context: i.context })),
    );
    return outcomes.map((o): PreprocessOutcome => {
      if (o.ok) return hookRows(o.value);
      const kind = o.kind === "preprocess_timeout" || o.kind === "preprocess_invalid_result" ? o.kind : "preprocess_error";
      return { ok: false, kind, detail: o.detail };
    });
  }

  /** Calls `fn` on each item in order; see the class contract. */
  async call(fn: HookFunction, items: Array<{ arg: unknown; context: unknown }>): Promise<HookOutcome[]> {
    if (items.length === 0) return [];
    if (!this.#exports.has(fn)) return items.map(() => ({ ok: false, kind: `${fn}_error`, detail: `${this.modulePath} exports no function ${fn}` }));
    if (this.#closed) return items.map(() => ({ ok: false, kind: `${fn}_error`, detail: "the hook runner is closed" }));
    const job: Job = { fn, items, outcomes: new Array<HookOutcome | undefined>(items.length).fill(undefined) };
    let next = 0;
    // a worker that died, or is dying, between calls (a hook's timer that threw…) is replaced first
    let restart = this.#worker === undefined || this.#crash !== undefined;
    let retriedAt = -1;
    while (next < items.length || restart) {
      if (restart) {
        restart = false;
        this.#restarts++;
        const old = this.#worker;
        this.#worker = undefined;
        await old?.terminate();
        try {
          await this.#spawn();
        } catch (e) {
          // the module loaded before; if it no longer does, the remaining items fail with the reason
          for (let i = next; i < items.length; i++) job.outcomes[i] = { ok: false, kind: `${fn}_error`, detail: (e as Error).message };
          break;
        }
        continue;
      }
      const stop = await this.#runFrom(job, next);
      if (stop === undefined) break;
      restart = true;
      if (stop.notStarted === true && retriedAt !== next) {
        // once per position: a worker that always dies before it starts would otherwise loop
        retriedAt = next;
        continue;
      }
      job.outcomes[stop.index] = { ok: false, kind: stop.timeout ? `${fn}_timeout` : `${fn}_error`, detail: stop.detail };
      next = stop.index + 1;
    }
    return job.outcomes.map((o) => o ?? { ok: false, kind: `${fn}_error`, detail: "no outcome" });
  }

  /** Runs items[from…] in the current worker; resolves undefined when done, or where and why it stopped. */
  #runFrom(job: Job, from: number): Promise<Stop | undefined> {
    const worker = this.#worker as Worker;
    const id = ++this.#job;
    const slice = job.items.slice(from);
    return new Promise((resolvePromise) => {
      let lastIndex = -1;
      let lastChange = performance.now();
      const timer = setInterval(
        () => {
          const running = Atomics.load(this.#progress, 0) === id ? Atomics.load(this.#progress, 1) : -1;
          const now = performance.now();
          if (running !== lastIndex) {
            lastIndex = running;
            lastChange = now;
            return;
          }
          if (now - lastChange >= this.timeoutMs) {
            finish({ index: from + Math.max(0, running), timeout: true, detail: `${job.fn} did not finish within ${this.timeoutMs} ms` });
          }
        },
        Math.max(5, Math.min(250, this.timeoutMs / 4)),
      );
      const onMessage = (m: { type: string; job: number; index?: number; outcome?: HookOutcome }): void => {
        if (m.job !== id) return;
        if (m.type === "item" && m.index !== undefined && m.outcome !== undefined) {
          job.outcomes[from + m.index] = m.outcome;
          lastChange = performance.now();
        } else if (m.type === "done") {
          finish(undefined);
        }
      };
      const onExit = (code: number): void => {
        // the worker died (e.g. process.exit in the hook): the item in progress is the culprit
        const started = Atomics.load(this.#progress, 0) === id;
        const running = started ? Atomics.load(this.#progress, 1) : 0;
        // every item has its outcome (messages sent before the exit arrive before it): nothing to blame
        if (running >= slice.length) return finish(undefined);
        const why = this.#crash ?? `the worker exited with code ${code}`;
        finish({ index: from + Math.max(0, running), timeout: false, detail: `${job.fn} ended its worker: ${why}`, notStarted: !started });
      };
      const finish = (stuck: Stop | undefined): void => {
        clearInterval(timer);
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        resolvePromise(stuck);
      };
      worker.on("message", onMessage);
      worker.on("exit", onExit);
      worker.postMessage({ type: "run", job: id, fn: job.fn, items: slice });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return `threw ${JSON.stringify(e)}`;
  } catch {
    return `threw ${String(e)}`;
  }
}
