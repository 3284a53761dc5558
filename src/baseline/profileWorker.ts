/**
 * Worker thread of the parallel CSV baseline (see profileDatasetParallel): receives the input's
 * bytes chunk by chunk, parses the whole CSV like the single-threaded reader, and profiles the
 * columns it owns (column index mod `workers` = `id`). Acknowledges each chunk (flow control and
 * progress) and ends by sending its features' serialized state.
 *
 * Messages in:  { type: "chunk", data: ArrayBuffer } | { type: "end" }
 * Messages out: { type: "ack", rows } | { type: "done", rows, names, features, skips }
 *               | { type: "error", message, input: boolean }
 */
import { parentPort, workerData } from "node:worker_threads";
import { DatasetProfile } from "../profiles/DatasetProfile.js";
import type { FeatureProfile, SketchOptions } from "../profiles/FeatureProfile.js";
import { readDataset } from "../records/datasetReader.js";
import { InputError } from "../records/inputBytes.js";
import { SkipLog } from "../records/skipLog.js";

interface WorkerInput {
  id: number;
  workers: number;
  header: boolean;
  sketch: SketchOptions;
  name: string;
}

const port = parentPort;
if (port === null) throw new Error("profileWorker must run in a worker thread");
const { id, workers, header, sketch, name } = workerData as WorkerInput;

const queue: Buffer[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on("message", (m: { type: "chunk"; data: ArrayBuffer } | { type: "end" }) => {
  if (m.type === "chunk") queue.push(Buffer.from(m.data));
  else ended = true;
  wake?.();
});

async function* chunks(): AsyncGenerator<Buffer> {
  for (;;) {
    const next = queue.shift();
    if (next !== undefined) {
      yield next;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

const profile = new DatasetProfile(sketch);
const skips = new SkipLog();
let names: string[] = [];
let owned: Array<FeatureProfile | undefined> = [];

try {
  await readDataset(
    { chunks: chunks(), bytesRead: () => 0, name },
    { format: "csv", header, fieldStride: workers, fieldOffset: id },
    {
      columns(all) {
        names = all;
        owned = all.map((n, i) => (i % workers === id ? profile.feature(n) : undefined));
      },
      textRow(fields) {
        profile.itemCount++;
        for (let i = id; i < owned.length; i += workers) (owned[i] as FeatureProfile).updateString(fields[i] as string);
      },
      objectRow() {
        // CSV only
      },
    },
    skips,
    () => port.postMessage({ type: "ack", rows: profile.itemCount }),
  );
  port.postMessage({
    type: "done",
    rows: profile.itemCount,
    names,
    features: [...profile.features.values()].map((f) => f.serialize()),
    skips: skips.reasons(),
  });
} catch (e) {
  port.postMessage({ type: "error", message: (e as Error).message, input: e instanceof InputError });
}
