import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DatasetProfile } from "../profiles/DatasetProfile.js";
import { FeatureProfile, type SketchOptions } from "../profiles/FeatureProfile.js";
import { InputError, type InputBytes } from "../records/inputBytes.js";
import { SkipLog, type SkipReason } from "../records/skipLog.js";

/** Chunks a worker may hold unprocessed: bounds memory whatever the input size. */
const IN_FLIGHT_CHUNKS = 4;

/**
 * The most worker threads a baseline may use. Each worker costs a V8 isolate, a copy of up to
 * IN_FLIGHT_CHUNKS input chunks (1 MiB each) and its columns' sketches — about 40 MB of RSS
 * measured on a 20-column CSV — and parses the whole input itself, so the time is at least one
 * parse pass however many threads share the sketch work. With sketching about as costly as
 * parsing (README: baseline / parse-only speed ≈ 0.5), n threads take (1 + 1/n) parse passes:
 * 16 are within 7 % of the limit, and each doubling beyond saves under 3 % for 40 MB per thread.
 */
export const MAX_THREADS = 16;
/** V8 young-generation size of each worker, MB. */
const YOUNG_GENERATION_MB = Number(process.env["DQSTREAM_WORKER_YOUNG_MB"] ?? 8);

/** Progress of a profiling run, for the CLI's progress line. */
export interface ProfileProgress {
  rows: number;
  bytes: number;
}

const WORKER_URL = new URL("./profileWorker.js", import.meta.url);

/**
 * Whether the parallel path can run: the compiled worker must exist next to this module (it does
 * in the built package; running from the TypeScript sources, e.g. under vitest, it does not).
 */
export function parallelProfilingAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

type WorkerMessage =
  | { type: "ack"; rows: number }
  | { type: "done"; rows: number; names: string[]; features: unknown[]; skips: SkipReason[] }
  | { type: "error"; message: string; input: boolean };

/**
 * Profiles a CSV dataset with `workers` threads: every worker parses the whole input (parsing is
 * the cheap part) and updates the sketches of its share of the columns (index mod workers), so
 * the sketch work — most of a baseline's time — is split across cores. Each feature sees exactly
 * the values in the order the single-threaded path gives it, so the result is identical, bit for
 * bit (test/cli checks the built CLI's output against the golden files made single-threaded).
 * The main thread reads the input and hands every worker a copy of each chunk, holding back while
 * a worker has IN_FLIGHT_CHUNKS unprocessed: memory stays bounded by chunk size × workers.
 */
export async function profileCsvParallel(
  input: InputBytes,
  header: boolean,
  workers: number,
  options: SketchOptions,
  onProgress?: (p: ProfileProgress) => void,
): Promise<{ profile: DatasetProfile; skips: SkipLog }> {
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_THREADS)
    throw new RangeError(`profileCsvParallel: workers must be an integer from 1 to ${MAX_THREADS}, got ${workers}`);
  const name = input.name ?? "dataset";
  const threads = Array.from(
    { length: workers },
    // a small young generation keeps each worker's heap (and so the RSS) down; the sketches are small
    (_, id) =>
      new Worker(WORKER_URL, { workerData: { id, workers, header, sketch: options, name }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }),
  );
  const inFlight = new Array<number>(workers).fill(0);
  const waiting = new Array<(() => void) | undefined>(workers).fill(undefined);
  let failure: Error | undefined;
  const results = new Array<Extract<WorkerMessage, { type: "done" }> | undefined>(workers).fill(undefined);
  let settle: (() => void) | undefined;

  const fail = (e: Error): void => {
    failure ??= e;
    for (const w of waiting) w?.();
    settle?.();
  };
  threads.forEach((t, i) => {
    t.on("message", (m: WorkerMessage) => {
      if (m.type === "ack") {
        inFlight[i] = (inFlight[i] as number) - 1;
        if (i === 0) onProgress?.({ rows: m.rows, bytes: input.bytesRead() });
        waiting[i]?.();
      } else if (m.type === "done") {
        results[i] = m;
        if (results.every((r) => r !== undefined)) settle?.();
      } else {
        const prefix = `${name}: `;
        fail(m.input ? new InputError(name, m.message.startsWith(prefix) ? m.message.slice(prefix.length) : m.message) : new Error(m.message));
      }
    });
    t.on("error", (e) => fail(e));
    t.on("exit", (code) => {
      if (results[i] === undefined) fail(new Error(`profiling worker ${i} exited with code ${code}`));
    });
  });

  try {
    for await (const chunk of input.chunks) {
      if (failure !== undefined) break;
      for (let i = 0; i < workers; i++) {
        while ((inFlight[i] as number) >= IN_FLIGHT_CHUNKS && failure === undefined) {
          await new Promise<void>((resolve) => {
            waiting[i] = resolve;
          });
          waiting[i] = undefined;
        }
        const copy = new Uint8Array(chunk.byteLength);
        copy.set(chunk);
        inFlight[i] = (inFlight[i] as number) + 1;
        (threads[i] as Worker).postMessage({ type: "chunk", data: copy.buffer }, [copy.buffer]);
      }
    }
    if (failure === undefined) {
      for (const t of threads) t.postMessage({ type: "end" });
      await new Promise<void>((resolve) => {
        settle = resolve;
        if (results.every((r) => r !== undefined) || failure !== undefined) resolve();
      });
    }
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  if (failure !== undefined) throw failure;

  const done = results as Array<Extract<WorkerMessage, { type: "done" }>>;
  const first = done[0] as Extract<WorkerMessage, { type: "done" }>;
  const profile = new DatasetProfile(options);
  profile.itemCount = first.rows;
  const states = new Map<string, unknown>();
  for (const d of done) {
    for (const state of d.features) states.set((state as { name: string }).name, state);
  }
  for (const n of first.names) {
    const state = states.get(n);
    profile.features.set(n, state === undefined ? new FeatureProfile(n, options) : FeatureProfile.deserialize(state));
  }
  return { profile, skips: SkipLog.from(first.skips) };
}
