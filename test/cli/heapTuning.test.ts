import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HEAP_GROWING_PERCENT, HEAP_GROWING_VARIABLE, heapGrowingFlag } from "../../src/cli/heapTuning.js";
import { UsageError } from "../../src/cli/exitCodes.js";
import { ensureBuilt, runCli } from "../support/cli.js";

describe("heapGrowingFlag", () => {
  it("defaults to a growth of 1.5 when the variable is unset or empty", () => {
    expect(DEFAULT_HEAP_GROWING_PERCENT).toBe(50);
    expect(heapGrowingFlag({})).toBe("--heap-growing-percent=50");
    expect(heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: "" })).toBe("--heap-growing-percent=50");
  });

  it("takes the user's percentage, and 0 leaves V8's own choice", () => {
    expect(heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: "100" })).toBe("--heap-growing-percent=100");
    expect(heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: " 20 " })).toBe("--heap-growing-percent=20");
    expect(heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: "0" })).toBeUndefined();
  });

  it.each(["-5", "1.5", "50%", "301", "lots", "--max-old-space-size=1"])("rejects %j naming the variable", (raw) => {
    expect(() => heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: raw })).toThrow(UsageError);
    expect(() => heapGrowingFlag({ [HEAP_GROWING_VARIABLE]: raw })).toThrow(`${HEAP_GROWING_VARIABLE} must be an integer from 0`);
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
    expect(r.stderr).toBe(`error: ${HEAP_GROWING_VARIABLE} must be an integer from 0 (V8's default) to 300, got "lots"\n`);
  });

  it("runs with a valid setting", () => {
    const r = runCli(dir, ["--version"], undefined, { [HEAP_GROWING_VARIABLE]: "0" });
    expect(r.status).toBe(0);
  });
});
