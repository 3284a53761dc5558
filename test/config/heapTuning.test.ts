import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEAP_GROWING_VARIABLE, heapGrowingFlag, heapGrowingSetting, WIDE_FEATURES } from "../../src/config/heapTuning.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { ensureBuilt, runCli } from "../support/cli.js";

describe("DQSTREAM_HEAP_GROWING_PERCENT", () => {
  it("is auto when unset, empty or auto: growth ×1.5 from 100 baseline features on, V8's own below", () => {
    for (const env of [{}, { [HEAP_GROWING_VARIABLE]: "" }, { [HEAP_GROWING_VARIABLE]: "auto" }]) expect(heapGrowingSetting(env)).toBe("auto");
    expect(WIDE_FEATURES).toBe(100);
    expect(heapGrowingFlag("auto", 20)).toBeUndefined();
    expect(heapGrowingFlag("auto", 99)).toBeUndefined();
    expect(heapGrowingFlag("auto", 100)).toBe("--heap-growing-percent=50");
    expect(heapGrowingFlag("auto", 500)).toBe("--heap-growing-percent=50");
    expect(heapGrowingFlag("auto", undefined)).toBeUndefined();
  });

  it("takes the user's percentage whatever the width, and 0 leaves V8's own growth", () => {
    expect(heapGrowingSetting({ [HEAP_GROWING_VARIABLE]: " 20 " })).toBe(20);
    expect(heapGrowingFlag(100, undefined)).toBe("--heap-growing-percent=100");
    expect(heapGrowingFlag(20, 5)).toBe("--heap-growing-percent=20");
    expect(heapGrowingFlag(0, 500)).toBeUndefined();
  });

  it.each(["-5", "1.5", "50%", "301", "lots", "--max-old-space-size=1"])("rejects %j naming the variable", (raw) => {
    expect(() => heapGrowingSetting({ [HEAP_GROWING_VARIABLE]: raw })).toThrow(ConfigError);
    expect(() => heapGrowingSetting({ [HEAP_GROWING_VARIABLE]: raw })).toThrow(`${HEAP_GROWING_VARIABLE} must be auto or an integer from 0`);
  });
});

describe("the dqstream executable", () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "dq-heap-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 2 with one line naming a bad DQSTREAM_HEAP_GROWING_PERCENT, no stack", () => {
    const r = runCli(dir, ["--version"], undefined, { [HEAP_GROWING_VARIABLE]: "lots" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: ${HEAP_GROWING_VARIABLE} must be auto or an integer from 0 (V8's default) to 300, got "lots"\n`);
  });

  it("runs with a valid setting", () => {
    expect(runCli(dir, ["--version"], undefined, { [HEAP_GROWING_VARIABLE]: "0" }).status).toBe(0);
    expect(runCli(dir, ["--version"], undefined, { [HEAP_GROWING_VARIABLE]: "auto" }).status).toBe(0);
  });
});
