import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { PreprocessContext, PreprocessOutcome } from "../../src/hooks/Preprocessor.js";
import { hookRows } from "../../src/hooks/hookRows.js";
import { HookLoadError, HookRunner, type HookOutcome } from "../../src/hooks/HookRunner.js";
import type { CaptureRecord } from "../../src/records/decoders/sagemakerCapture/captureRecord.js";
import { ensureBuilt } from "../support/cli.js";

// a hook that hangs must fail its test quickly, not after the suite-wide 60 s
vi.setConfig({ testTimeout: 15_000 });

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test", "fixtures", "hooks");
const BEHAVIOURS = join(FIXTURES, "behaviours.mjs");
/** Short enough to keep the suite fast; the watchdog's own slack is at most a quarter of it. */
const TIMEOUT_MS = 200;

const runners: HookRunner[] = [];
let tmp = "";

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hooks-"));
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

async function start(module = BEHAVIOURS, timeoutMs = TIMEOUT_MS): Promise<HookRunner> {
  const r = await HookRunner.start(module, timeoutMs);
  runners.push(r);
  return r;
}

/** Items for behaviours.mjs: each `do` value with its index as id. */
function items(...dos: string[]): Array<{ arg: unknown; context: unknown }> {
  return dos.map((d, i) => ({ arg: { do: d, id: i }, context: { position: `f.jsonl:${i + 1}` } }));
}

/** A preprocess outcome as the engine gets it: the worker's outcome, its value checked and flattened (hookRows). */
function checked(o: HookOutcome | undefined): HookOutcome | PreprocessOutcome | undefined {
  return o !== undefined && o.ok ? hookRows(o.value) : o;
}

function rowsOf(o: HookOutcome | undefined): unknown[] {
  const c = checked(o);
  if (c === undefined || !c.ok || !("rows" in c)) throw new Error(`expected a success, got ${JSON.stringify(o)}`);
  return c.rows;
}

function failure(o: HookOutcome | undefined): { kind: string; detail: string } {
  const c = checked(o);
  if (c === undefined || c.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return { kind: c.kind, detail: c.detail };
}

describe("HookRunner: results of preprocess", () => {
  it("a flat object is one row; a nested one is flattened with dots; an array of objects is several rows", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("flat", "nested", "split"));
    expect(out).toHaveLength(3);
    expect(rowsOf(out[0])).toEqual([{ a: 1, b: "x", c: true, d: null }]);
    // arrays stay values, null stays null (missing)
    expect(rowsOf(out[1])).toEqual([{ "a.b": 1, "a.c.d": "deep", e: [1, 2], f: null }]);
    expect(rowsOf(out[2])).toEqual([{ n: 1 }, { n: 2, "m.k": "v" }, { n: 3 }]);
  });

  it("null, undefined and [] drop the record: zero rows, not an error", async () => {
    const r = await start();
    const out = (await r.call("preprocess", items("null", "undefined", "empty"))).map(checked);
    expect(out).toEqual([
      { ok: true, rows: [] },
      { ok: true, rows: [] },
      { ok: true, rows: [] },
    ]);
  });

  it("a string, a number or an array with a non-object is preprocess_invalid_result with a message", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("string", "number", "mixed", "flat"));
    const [s, n, m] = [failure(out[0]), failure(out[1]), failure(out[2])];
    for (const f of [s, n, m]) expect(f.kind).toBe("preprocess_invalid_result");
    expect(s.detail).toContain("string");
    expect(n.detail).toContain("number");
    expect(m.detail).toContain("non-object");
    expect(s.detail).toContain("expected a flat object");
    expect(rowsOf(out[3])).toEqual([{ a: 1, b: "x", c: true, d: null }]);
  });

  it("a result that cannot be copied back (a function in a row) is an invalid result, not a crash", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("uncloneable", "plain"));
    const f = failure(out[0]);
    expect(f.kind).toBe("preprocess_invalid_result");
    expect(f.detail).toMatch(/cannot be copied/);
    expect(rowsOf(out[1])).toEqual([{ id: 1 }]);
    expect(r.restarts).toBe(0);
  });

  it("a __proto__ key (as JSON.parse makes it) stays a feature", async () => {
    const r = await start();
    const [o] = await r.call("preprocess", items("proto"));
    const [row] = rowsOf(o) as Array<Record<string, unknown>>;
    expect(Object.keys(row ?? {}).sort()).toEqual(["__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe(5);
  });

  it("the Preprocessor interface (run) maps outcomes to the engine's kinds", async () => {
    const r = await start();
    const ctx = (i: number): PreprocessContext => ({ position: `f:${i}`, event_time: "2026-11-01T00:00:00Z", feature_names: ["a"], default_rows: null });
    const rec = (d: string): CaptureRecord => ({ do: d, captureData: { endpointInput: { data: "", encoding: "CSV" } } });
    const out = await r.run([
      { record: rec("flat"), context: ctx(1) },
      { record: rec("number"), context: ctx(2) },
      { record: rec("throw"), context: ctx(3) },
      { record: rec("empty"), context: ctx(4) },
    ]);
    expect(out.map((o) => (o.ok ? o.rows.length : o.kind))).toEqual([1, "preprocess_invalid_result", "preprocess_error", 0]);
  });
});

describe("HookRunner: failures", () => {
  it("a hook that throws an Error or another value gives preprocess_error; the other items still succeed, in order", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("a", "throw", "b", "throw_value", "c"));
    expect(out).toHaveLength(5);
    expect(rowsOf(out[0])).toEqual([{ id: 0 }]);
    expect(failure(out[1])).toEqual({ kind: "preprocess_error", detail: "TypeError: bad record 1" });
    expect(rowsOf(out[2])).toEqual([{ id: 2 }]);
    expect(failure(out[3])).toEqual({ kind: "preprocess_error", detail: 'threw {"code":7}' });
    expect(rowsOf(out[4])).toEqual([{ id: 4 }]);
    expect(r.restarts).toBe(0);
  });

  it("async hooks work: resolved promises give rows, rejected ones errors", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("async", "async_reject", "async"));
    expect(rowsOf(out[0])).toEqual([{ id: 0, async: true }]);
    expect(failure(out[1])).toEqual({ kind: "preprocess_error", detail: "RangeError: async failure 1" });
    expect(rowsOf(out[2])).toEqual([{ id: 2, async: true }]);
  });

  it("a synchronous endless loop and a promise that never settles time out; the items around them succeed, in order", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("a", "loop", "b", "hang", "c"));
    expect(out).toHaveLength(5);
    expect(rowsOf(out[0])).toEqual([{ id: 0 }]);
    expect(failure(out[1])).toEqual({ kind: "preprocess_timeout", detail: `preprocess did not finish within ${TIMEOUT_MS} ms` });
    expect(rowsOf(out[2])).toEqual([{ id: 2 }]);
    expect(failure(out[3]).kind).toBe("preprocess_timeout");
    expect(rowsOf(out[4])).toEqual([{ id: 4 }]);
    expect(r.restarts).toBe(2);
    // the fresh worker serves later calls too
    const again = await r.call("preprocess", items("flat"));
    expect(rowsOf(again[0])).toHaveLength(1);
    expect(r.restarts).toBe(2);
  });

  it("a timeout on the first and on the last item of a batch", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("hang", "a", "loop"));
    expect(out.map((o) => (o.ok ? "ok" : o.kind))).toEqual(["preprocess_timeout", "ok", "preprocess_timeout"]);
    expect(rowsOf(out[1])).toEqual([{ id: 1 }]);
    expect(r.restarts).toBe(2);
    expect(rowsOf((await r.call("preprocess", items("x")))[0])).toEqual([{ id: 0 }]);
  });

  it("process.exit() in the hook fails that item; the later items succeed in a fresh worker", async () => {
    const r = await start();
    const out = await r.call("preprocess", items("a", "exit", "b", "c"));
    expect(rowsOf(out[0])).toEqual([{ id: 0 }]);
    const f = failure(out[1]);
    expect(f.kind).toBe("preprocess_error");
    expect(f.detail).toContain("exited with code 5");
    expect(rowsOf(out[2])).toEqual([{ id: 2 }]);
    expect(rowsOf(out[3])).toEqual([{ id: 3 }]);
    expect(r.restarts).toBe(1);
  });

  it("an uncaught error in the hook's own timer ends the worker without ending the monitor; the next call gets a fresh worker", async () => {
    const r = await start();
    const first = await r.call("preprocess", items("late_throw"));
    expect(rowsOf(first[0])).toEqual([{ id: 0 }]);
    // let the timer fire and the worker die between calls
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await r.call("preprocess", items("a", "b"));
    expect(second.map(rowsOf)).toEqual([[{ id: 0 }], [{ id: 1 }]]);
    expect(r.restarts).toBe(1);
  });
});

describe("HookRunner: loading", () => {
  it("a missing file rejects with HookLoadError naming the path", async () => {
    const missing = join(FIXTURES, "no-such-hook.mjs");
    const e = await HookRunner.start(missing, TIMEOUT_MS).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(HookLoadError);
    expect((e as HookLoadError).modulePath).toBe(missing);
    expect((e as HookLoadError).message).toContain(missing);
  });

  it("a module that throws at import rejects with HookLoadError naming the path and the error", async () => {
    const file = join(FIXTURES, "throws-at-import.mjs");
    await expect(HookRunner.start(file, TIMEOUT_MS)).rejects.toThrow(HookLoadError);
    await expect(HookRunner.start(file, TIMEOUT_MS)).rejects.toThrow(`hook module ${file}: Error: cannot initialise the hook`);
  });

  it("a module that exits its worker at import rejects with HookLoadError (it does not hang)", async () => {
    const file = join(FIXTURES, "exits-at-import.mjs");
    await expect(HookRunner.start(file, TIMEOUT_MS)).rejects.toThrow(`hook module ${file}: the worker exited with code 0`);
  });

  it("a relative path is resolved against the working directory", async () => {
    const r = await start("test/fixtures/hooks/behaviours.mjs");
    expect(r.modulePath).toBe(BEHAVIOURS);
    expect(r.timeoutMs).toBe(TIMEOUT_MS);
  });

  it("has() reflects the module's exports; calling a function it lacks gives errors, not a throw", async () => {
    const pre = await start();
    expect(pre.has("preprocess")).toBe(true);
    expect(pre.has("postprocess")).toBe(false);
    const out = await pre.call("postprocess", items("a", "b"));
    expect(out).toHaveLength(2);
    for (const o of out) {
      const f = failure(o);
      expect(f.kind).toBe("postprocess_error");
      expect(f.detail).toContain("exports no function postprocess");
    }
    expect(await pre.call("postprocess", [])).toEqual([]);

    const post = await start(join(FIXTURES, "postprocess-only.mjs"));
    expect(post.has("preprocess")).toBe(false);
    expect(post.has("postprocess")).toBe(true);
    const runOut = await post.run([
      {
        record: { captureData: { endpointInput: { data: "1", encoding: "CSV" } } },
        context: { position: "f:1", event_time: "2026-11-01T00:00:00Z", feature_names: [], default_rows: null },
      },
    ]);
    expect(runOut).toEqual([{ ok: false, kind: "preprocess_error", detail: expect.stringContaining("exports no function preprocess") as unknown }]);
    expect(await post.call("postprocess", items("a"))).toEqual([{ ok: true }]);
  });

  it("a CommonJS module loads, with exports Node's static analysis does not find", async () => {
    const r = await start(join(FIXTURES, "commonjs.cjs"));
    expect(r.has("preprocess")).toBe(true);
    expect(r.has("postprocess")).toBe(true);
    const out = await r.call("preprocess", [{ arg: { id: 9 }, context: { position: "x.jsonl:3" } }]);
    expect(rowsOf(out[0])).toEqual([{ kind: "commonjs", id: 9, file: "commonjs.cjs", position: "x.jsonl:3" }]);
    const post = await r.call("postprocess", [
      { arg: { fail: false }, context: {} },
      { arg: { fail: true }, context: {} },
    ]);
    expect(post).toEqual([{ ok: true }, { ok: false, kind: "postprocess_error", detail: "Error: postprocess failed" }]);
  });
});

describe("HookRunner: data passing and lifetime", () => {
  it("the record and the context arrive intact (structured clone)", async () => {
    const r = await start();
    const arg = { do: "echo", id: 1, list: [1, "two", null, { three: 3 }], nested: { deep: { s: "ü ✓ \u0000", n: -0.5 } }, t: true };
    const context = { position: "capture/x.jsonl:12", event_time: "2026-11-01T00:00:05Z", feature_names: ["a", "b.c"], default_rows: [{ a: "1" }] };
    const [o] = await r.call("preprocess", [{ arg, context }]);
    const [row] = rowsOf(o) as Array<{ echo: string; arg_is_array: boolean; ctx_is_array: boolean }>;
    expect(JSON.parse(row?.echo ?? "null")).toEqual({ arg, context });
    expect(row?.arg_is_array).toBe(true);
    expect(row?.ctx_is_array).toBe(true);
  });

  it("an empty batch resolves to no outcomes", async () => {
    const r = await start();
    expect(await r.call("preprocess", [])).toEqual([]);
    expect(await r.run([])).toEqual([]);
  });

  it("close() ends the worker: its timers stop; later calls fail instead of throwing", async () => {
    const beatFile = join(tmp, "heartbeat.txt");
    process.env["DQSTREAM_TEST_HEARTBEAT"] = beatFile;
    let r: HookRunner;
    try {
      r = await HookRunner.start(join(FIXTURES, "heartbeat.mjs"), TIMEOUT_MS);
    } finally {
      delete process.env["DQSTREAM_TEST_HEARTBEAT"];
    }
    const readBeats = async (): Promise<number> => Number(await readFile(beatFile, "utf8").catch(() => "0"));
    for (let i = 0; i < 200 && (await readBeats()) < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await readBeats()).toBeGreaterThanOrEqual(3);
    await r.close();
    const atClose = await readBeats();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await readBeats()).toBe(atClose);
    const out = await r.call("preprocess", [{ arg: { id: 1 }, context: {} }]);
    expect(out).toEqual([{ ok: false, kind: "preprocess_error", detail: "the hook runner is closed" }]);
    await r.close(); // twice is fine
  });

  it("a process that starts a runner, times out an item, and closes it exits by itself with code 0", async () => {
    // The child runs the built HookRunner (npm test builds dist/ first)
    ensureBuilt();
    const dir = join(tmp, "child");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), '{"type":"module"}\n');
    await writeFile(
      join(dir, "main.js"),
      [
        `import { HookRunner } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist", "hooks", "HookRunner.js")).href)};`,
        `const r = await HookRunner.start(${JSON.stringify(BEHAVIOURS)}, 100);`,
        'const out = await r.call("preprocess", [{ arg: { do: "loop" }, context: {} }, { arg: { id: 7 }, context: {} }]);',
        "await r.close();",
        'console.log(JSON.stringify({ kinds: out.map((o) => (o.ok ? "ok" : o.kind)), restarts: r.restarts }));',
        "",
      ].join("\n"),
    );
    const child = spawnSync(process.execPath, [join(dir, "main.js")], { encoding: "utf8", timeout: 15_000 });
    expect(child.error).toBeUndefined();
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ kinds: ["preprocess_timeout", "ok"], restarts: 1 });
  });
});

describe("HookRunner: a module that never finishes loading", () => {
  it("is a HookLoadError after the load limit, not a hang", async () => {
    const [Runner, LoadError] = [HookRunner, HookLoadError];
    const path = fileURLToPath(new URL("../fixtures/hooks/never-loads.mjs", import.meta.url));
    const err = await Runner.start(path, 100, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as Error).message).toMatch(/did not finish loading within \d+ ms/);
  });
});
