import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { PreprocessContext, PreprocessOutcome, Preprocessor } from "../engine/Preprocessor.js";
import type { CaptureRecord } from "../records/captureRecord.js";
import { WORKER_SOURCE } from "./workerSource.js";

/** A hook module that cannot be loaded: a configuration error. */
export class HookLoadError extends Error {
  constructor(readonly modulePath: string, detail: string) {
    super(`hook module ${modulePath}: ${detail}`);
    this.name = "HookLoadError";
  }
}

export type HookFunction = "preprocess" | "postprocess";

export type HookOutcome =
  | { ok: true; rows?: unknown[] }
  | { ok: false; kind: string; detail: string };

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
 * hook costs the items it fails on, never the monitor.
 */
export class HookRunner implements Preprocessor {
  readonly modulePath: string;
  readonly timeoutMs: number;
  #worker: Worker | undefined;
  #exports: Set<string> = new Set();
  #progress = new Int32Array(new SharedArrayBuffer(8));
  #job = 0;
  #restarts = 0;

  private constructor(modulePath: string, timeoutMs: number) {
    this.modulePath = resolve(modulePath);
    this.timeoutMs = timeoutMs;
  }

  /** Loads the module in a worker; rejects with HookLoadError when it cannot be imported. */
  static async start(modulePath: string, timeoutMs: number): Promise<HookRunner> {
    const runner = new HookRunner(modulePath, timeoutMs);
    await runner.#spawn();
    return runner;
  }

  has(fn: HookFunction): boolean {
    return this.#exports.has(fn);
  }

  /** Worker restarts after timeouts so far. */
  get restarts(): number {
    return this.#restarts;
  }

  async #spawn(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath: this.modulePath, progress: this.#progress.buffer } });
    worker.unref();
    this.#worker = worker;
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
      const cleanup = (): void => {
        worker.off("message", onMessage);
        worker.off("error", onError);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
    });
  }

  async run(items: ReadonlyArray<{ record: CaptureRecord; context: PreprocessContext }>): Promise<PreprocessOutcome[]> {
    const outcomes = await this.call("preprocess", items.map((i) => ({ arg: i.record, context: i.context })));
    return outcomes.map((o): PreprocessOutcome => {
      if (o.ok) return { ok: true, rows: (o.rows ?? []) as PreprocessOutcome extends { rows: infer R } ? R : never };
      const kind = o.kind === "preprocess_timeout" || o.kind === "preprocess_invalid_result" ? o.kind : "preprocess_error";
      return { ok: false, kind, detail: o.detail };
    });
  }

  /** Calls `fn` on each item in order; see the class contract. */
  async call(fn: HookFunction, items: Array<{ arg: unknown; context: unknown }>): Promise<HookOutcome[]> {
    if (items.length === 0) return [];
    if (!this.#exports.has(fn)) return items.map(() => ({ ok: false, kind: `${fn}_error`, detail: `${this.modulePath} exports no function ${fn}` }));
    const job: Job = { fn, items, outcomes: new Array(items.length).fill(undefined) };
    let next = 0;
    while (next < items.length) {
      const stuckAt = await this.#runFrom(job, next);
      if (stuckAt === undefined) break;
      job.outcomes[stuckAt] = { ok: false, kind: `${fn}_timeout`, detail: `${fn} did not finish within ${this.timeoutMs} ms` };
      next = stuckAt + 1;
      this.#restarts++;
      await this.#worker?.terminate();
      try {
        await this.#spawn();
      } catch (e) {
        // the module loaded before; if it no longer does, the remaining items fail with the reason
        for (let i = next; i < items.length; i++) job.outcomes[i] = { ok: false, kind: `${fn}_error`, detail: (e as Error).message };
        break;
      }
    }
    return job.outcomes.map((o) => o ?? { ok: false, kind: `${fn}_error`, detail: "no outcome" });
  }

  /** Runs items[from…] in the current worker; resolves undefined when done, or the index that hung. */
  #runFrom(job: Job, from: number): Promise<number | undefined> {
    const worker = this.#worker as Worker;
    const id = ++this.#job;
    const slice = job.items.slice(from);
    return new Promise((resolvePromise) => {
      let lastIndex = -1;
      let lastChange = performance.now();
      const timer = setInterval(() => {
        const running = Atomics.load(this.#progress, 0) === id ? Atomics.load(this.#progress, 1) : -1;
        const now = performance.now();
        if (running !== lastIndex) {
          lastIndex = running;
          lastChange = now;
          return;
        }
        if (now - lastChange >= this.timeoutMs) {
          finish(from + Math.max(0, running));
        }
      }, Math.max(5, Math.min(250, this.timeoutMs / 4)));
      const onMessage = (m: { type: string; job: number; index?: number; outcome?: HookOutcome }): void => {
        if (m.job !== id) return;
        if (m.type === "item" && m.index !== undefined && m.outcome !== undefined) {
          job.outcomes[from + m.index] = m.outcome;
          lastChange = performance.now();
        } else if (m.type === "done") {
          finish(undefined);
        }
      };
      const onExit = (): void => {
        // the worker died (e.g. process.exit in the hook): the item in progress is the culprit
        const running = Atomics.load(this.#progress, 0) === id ? Atomics.load(this.#progress, 1) : 0;
        finish(from + Math.max(0, Math.min(running, slice.length - 1)));
      };
      const finish = (stuck: number | undefined): void => {
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
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}
