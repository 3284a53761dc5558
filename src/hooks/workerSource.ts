/**
 * The hook worker's code, run with `new Worker(WORKER_SOURCE, { eval: true })` so the same file
 * serves the compiled build and the TypeScript tests. It imports the user's module and runs its
 * `preprocess(record, context)` / `postprocess(report, context)` one item at a time, writing the
 * index of the item in progress into shared memory (the main thread's watchdog reads it to find a
 * hook that hangs, even in a synchronous loop) and posting each item's outcome as it finishes.
 *
 * Messages in:  { type: "run", job, fn: "preprocess" | "postprocess", items: [{ arg, context }] }
 * Messages out: { type: "ready", exports: [...] } | { type: "load_error", detail }
 *               { type: "item", job, index, outcome } | { type: "done", job }
 * Shared memory: Int32Array [job, index in progress]
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");
const progress = new Int32Array(workerData.progress);

function describe(e) {
  if (e instanceof Error) return e.name + ": " + e.message;
  try { return "threw " + JSON.stringify(e); } catch { return "threw " + String(e); }
}

(async () => {
  let mod;
  try {
    mod = await import(pathToFileURL(workerData.modulePath).href);
  } catch (e) {
    parentPort.postMessage({ type: "load_error", detail: describe(e) });
    return;
  }
  // A CommonJS module's exports are named exports only as far as Node's static analysis finds them
  // ("module.exports = { postprocess: function () {} }" is not found); the object itself is "default".
  const api = {};
  for (const n of ["preprocess", "postprocess"]) {
    if (typeof mod[n] === "function") api[n] = mod[n];
    else if (mod.default !== null && typeof mod.default === "object" && typeof mod.default[n] === "function") api[n] = mod.default[n].bind(mod.default);
  }
  const exportsFound = Object.keys(api);
  parentPort.postMessage({ type: "ready", exports: exportsFound });
  parentPort.on("message", async (msg) => {
    if (msg.type !== "run") return;
    const fn = api[msg.fn];
    // index before job: whoever sees this job's id sees an index of this job
    Atomics.store(progress, 1, 0);
    Atomics.store(progress, 0, msg.job);
    for (let i = 0; i < msg.items.length; i++) {
      Atomics.store(progress, 1, i);
      const item = msg.items[i];
      let outcome;
      try {
        const result = await fn(item.arg, item.context);
        // preprocess results go back as they are: the main thread checks and flattens them (hookRows.ts)
        outcome = msg.fn === "preprocess" ? { ok: true, value: result } : { ok: true };
      } catch (e) {
        outcome = { ok: false, kind: msg.fn + "_error", detail: describe(e) };
      }
      try {
        parentPort.postMessage({ type: "item", job: msg.job, index: i, outcome });
      } catch (e) {
        // a result that cannot be copied to the main thread (a function, a symbol…)
        const kind = msg.fn === "preprocess" ? "preprocess_invalid_result" : msg.fn + "_error";
        parentPort.postMessage({ type: "item", job: msg.job, index: i, outcome: { ok: false, kind, detail: msg.fn + " returned a value that cannot be copied: " + describe(e) } });
      }
    }
    Atomics.store(progress, 1, msg.items.length);
    parentPort.postMessage({ type: "done", job: msg.job });
  });
})();
`;
