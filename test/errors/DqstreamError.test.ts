import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/exitCodes.js";
import { reportFailure } from "../../src/cli/program.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { DqstreamError, ERROR_CODES } from "../../src/errors/DqstreamError.js";
import { FormatError, WriteError } from "../../src/formats/jsonFile.js";
import { HookLoadError } from "../../src/hooks/HookRunner.js";
import { InputError } from "../../src/records/inputBytes.js";
import { CloudWatchCallError } from "../../src/sinks/cloudwatch/api.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";

/** One error model: every error dqstream raises on purpose has a code, retriable, a cause, and the CLI's exit code follows from the code. */
describe("DqstreamError", () => {
  const cause = new Error("EACCES");
  const errors: Array<[DqstreamError, string, 1 | 2]> = [
    [new UsageError("--x: bad"), "usage", 2],
    [new ConfigError("config.yaml: window_seconds: too small"), "config", 2],
    [new HookLoadError("hook.mjs", "no such file"), "hook_load", 2],
    [new InputError("data.csv", "no such file", { cause }), "input", 1],
    [new FormatError("statistics.json", "$.features: expected array"), "format", 1],
    [new WriteError("out/statistics.json", "cannot write: no space left on device (ENOSPC)", { systemCode: "ENOSPC", cause }), "write", 1],
    [new CloudWatchCallError("throttled", "Throttling"), "cloudwatch_call", 1],
    [new SketchStateError("kll", "bad"), "sketch_state", 1],
  ];

  it("every error class is a DqstreamError with its code and exit code, and keeps its own class and name", () => {
    for (const [e, code, exit] of errors) {
      expect(e).toBeInstanceOf(DqstreamError);
      expect(e).toBeInstanceOf(Error);
      expect([e.code, e.exitCode], e.name).toEqual([code, exit]);
    }
    expect(new Set(errors.map(([e]) => e.code))).toEqual(new Set(Object.keys(ERROR_CODES)));
  });

  it("carries the cause, and says whether a retry may succeed", () => {
    expect(errors[3]?.[0].cause).toBe(cause);
    expect(new CloudWatchCallError("throttled", "Throttling").retriable).toBe(true);
    expect(new CloudWatchCallError("rejected", "AccessDenied", 403).retriable).toBe(false);
    expect(new ConfigError("x").retriable).toBe(false);
  });

  it("the CLI prints the message without a stack and exits with the error's code; anything else is an internal error", () => {
    for (const [e, , exit] of errors) {
      let text = "";
      expect(reportFailure(e, (t) => (text += t))).toBe(exit);
      expect(text).toBe(`error: ${e.message}\n`);
    }
    let text = "";
    expect(reportFailure(new TypeError("x is undefined"), (t) => (text += t))).toBe(1);
    expect(text).toMatch(/^error: internal error \(a bug in dqstream; please report it with this text\): TypeError: x is undefined\n {4}at /);
  });
});
