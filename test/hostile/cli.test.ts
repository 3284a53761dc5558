import type { SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/exitCodes.js";
import { reportFailure } from "../../src/cli/program.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { FormatError, WriteError } from "../../src/formats/jsonFile.js";
import { InputError } from "../../src/records/inputBytes.js";
import { ensureBuilt, ROOT, runCli, unreachableMonitorArgs } from "../support/cli.js";

/**
 * The hostile-input suite, the command line: every error a user can cause is one `error: …` line
 * naming the flag or path, with exit code 1 or 2; only an internal error shows a stack, and says so.
 */

const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
const SMALL_CSV = join(ROOT, "test/fixtures/datasets/small.csv");

let tmp = "";
let aFile = "";
let aFolder = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-cli-"));
  aFile = join(tmp, "a-file");
  aFolder = join(tmp, "a-folder");
  await writeFile(aFile, "not a folder\n");
  await mkdir(aFolder);
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

/** One `error: …` line that matches `message`, and nothing else on stderr (no stack) but the monitor's JSON logs. */
function expectOneLine(r: SpawnSyncReturns<string>, status: number, message: RegExp, what: string): void {
  expect(r.status, `${what}: ${r.stderr}`).toBe(status);
  const lines = r.stderr.split("\n").filter((l) => l !== "" && !/^\{"level":\d+,/.test(l));
  expect(lines, what).toHaveLength(1);
  expect(lines[0], what).toMatch(/^error: /);
  expect(lines[0], what).toMatch(message);
  expect(lines[0], what).not.toMatch(/internal error/);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("16e: user errors are one line naming the flag or path, never a stack", () => {
  it("16e: unwritable output folders (a file in the way, a file system that refuses it) exit 1 before any work", async () => {
    const under = join(aFile, "sub");
    const replay = (reports: string): string[] => ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", reports, CAPTURE];
    const monitor = (reports: string): string[] => unreachableMonitorArgs({ statistics: STATS, constraints: CONS, reports: reports });
    const cases: Array<[string[], RegExp]> = [
      [
        ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", aFile],
        new RegExp(`^error: --output ${escapeRegExp(aFile)}: cannot write: ${escapeRegExp(aFile)} is a file, not a folder$`),
      ],
      [
        ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", under],
        new RegExp(`^error: --output ${escapeRegExp(under)}: cannot write: ${escapeRegExp(aFile)} is a file, not a folder$`),
      ],
      [replay(aFile), new RegExp(`^error: --reports ${escapeRegExp(aFile)}: cannot write: ${escapeRegExp(aFile)} is a file, not a folder$`)],
      [replay(under), new RegExp(`^error: --reports ${escapeRegExp(under)}: cannot write: `)],
      [monitor(aFile), new RegExp(`^error: --reports ${escapeRegExp(aFile)}: cannot write: `)],
    ];
    if (existsSync("/proc/self")) {
      // Node's recursive mkdir never returns there: this hung replay and monitor forever
      cases.push([
        replay("/proc/dqstream-reports"),
        /^error: --reports \/proc\/dqstream-reports: cannot write: cannot create folder \/proc\/dqstream-reports: /,
      ]);
      cases.push([monitor("/proc/dqstream-reports"), /^error: --reports \/proc\/dqstream-reports: cannot write: cannot create folder /]);
    }
    for (const [args, message] of cases) expectOneLine(runCli(tmp, args), 1, message, args.join(" "));
    // from a config file the key is named instead of the flag
    const config = join(tmp, "reports-file.yaml");
    await writeFile(config, `baseline: { statistics: ${STATS}, constraints: ${CONS} }\nreports_dir: ${aFile}\n`);
    expectOneLine(
      runCli(tmp, ["replay", "--config", config, CAPTURE]),
      1,
      new RegExp(`^error: reports_dir ${escapeRegExp(aFile)}: cannot write: `),
      "reports_dir in a file",
    );
  });

  it("16e: a folder where a file is expected, and missing files, exit 1 or 2 naming the path", async () => {
    const hook = join(tmp, "hook-folder.yaml");
    await writeFile(
      hook,
      `baseline: { statistics: ${STATS}, constraints: ${CONS} }\nreports_dir: ${join(tmp, "r-hook")}\npreprocessor: { module: ${aFolder} }\n`,
    );
    const cases: Array<[string[], number, RegExp]> = [
      [["baseline", "--dataset", aFolder, "--format", "csv", "--output", join(tmp, "o1")], 1, new RegExp(`^error: ${escapeRegExp(aFolder)}: is a directory$`)],
      [["baseline", "--dataset", join(tmp, "missing.csv"), "--format", "csv", "--output", join(tmp, "o2")], 1, /missing\.csv: no such file$/],
      [
        ["replay", "--statistics", aFolder, "--constraints", CONS, "--reports", join(tmp, "r1"), CAPTURE],
        1,
        new RegExp(`^error: ${escapeRegExp(aFolder)}: cannot read: EISDIR$`),
      ],
      [["replay", "--statistics", STATS, "--constraints", CONS, "--reports", join(tmp, "r2"), aFolder], 1, new RegExp(`^error: ${escapeRegExp(aFolder)}: `)],
      [["replay", "--statistics", STATS, "--constraints", CONS, "--reports", join(tmp, "r3"), join(tmp, "missing.jsonl")], 1, /missing\.jsonl: /],
      [["replay", "--config", aFolder, CAPTURE], 2, new RegExp(`^error: ${escapeRegExp(aFolder)}: cannot read: EISDIR$`)],
      [["monitor", "--config", aFolder], 2, new RegExp(`^error: ${escapeRegExp(aFolder)}: cannot read: EISDIR$`)],
      [["replay", "--config", hook, CAPTURE], 2, /^error: hook module .*a-folder/],
    ];
    for (const [args, status, message] of cases) expectOneLine(runCli(tmp, args), status, message, args.join(" "));
  });

  it("16e: a bad --log-level or DQSTREAM_LOG_LEVEL exits 2 naming it", () => {
    const replay = runCli(tmp, ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", join(tmp, "r4"), "--log-level", "loud", CAPTURE]);
    expect(replay.status, replay.stderr).toBe(2);
    expect(replay.stderr).toMatch(
      /^error: option '--log-level <level>' argument 'loud' is invalid\. Allowed choices are fatal, error, warn, info, debug, trace, silent\./,
    );
    expect(replay.stderr).not.toMatch(/\n\s+at /);
    const monitor = unreachableMonitorArgs({ statistics: STATS, constraints: CONS, reports: join(tmp, "r5") });
    expectOneLine(
      runCli(tmp, monitor, undefined, { DQSTREAM_LOG_LEVEL: "loud" }),
      2,
      /^error: DQSTREAM_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"$/,
      "DQSTREAM_LOG_LEVEL",
    );
  });

  it("16e: a NUL character in a path of a config file exits 2 naming the key", async () => {
    for (const key of ["reports_dir", "baseline.statistics", "preprocessor.module", "cloudwatch.emf.path"]) {
      const doc: Record<string, unknown> = { baseline: { statistics: STATS, constraints: CONS }, reports_dir: join(tmp, "r6") };
      const path = key.split(".");
      let node = doc;
      for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[path[path.length - 1] as string] = "a\u0000b";
      const file = join(tmp, `nul-${path.join("-")}.json`);
      await writeFile(file, JSON.stringify(doc));
      expectOneLine(
        runCli(tmp, ["replay", "--config", file, CAPTURE]),
        2,
        new RegExp(`^error: ${escapeRegExp(file)}: ${escapeRegExp(key)}: expected a path without NUL characters$`),
        key,
      );
    }
  });
});

describe("16e: how the CLI reports a failure", () => {
  function report(e: unknown): { code: number; text: string } {
    let text = "";
    const code = reportFailure(e, (s) => (text += s));
    return { code, text };
  }

  it("16e: user errors: one line, exit 2 for arguments and configuration, 1 for files and input", () => {
    expect(report(new UsageError("missing --statistics"))).toEqual({ code: 2, text: "error: missing --statistics\n" });
    expect(report(new ConfigError("c.yaml: unknown key x"))).toEqual({ code: 2, text: "error: c.yaml: unknown key x\n" });
    expect(report(new FormatError("s.json", "$.features: expected array"))).toEqual({ code: 1, text: "error: s.json: $.features: expected array\n" });
    expect(report(new InputError("d.csv", "no such file"))).toEqual({ code: 1, text: "error: d.csv: no such file\n" });
    expect(report(new WriteError("o/x.json", "cannot write: no space left on device (ENOSPC)"))).toEqual({
      code: 1,
      text: "error: o/x.json: cannot write: no space left on device (ENOSPC)\n",
    });
    const system = Object.assign(new Error("EACCES: permission denied, open '/r/x'"), { code: "EACCES", syscall: "open", path: "/r/x" });
    expect(report(system)).toEqual({ code: 1, text: "error: EACCES: permission denied, open '/r/x'\n" });
  });

  it("16e: anything else is an internal error: it says so, and only it shows a stack", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const { code, text } = report(bug);
    expect(code).toBe(1);
    expect(text).toMatch(
      /^error: internal error \(a bug in dqstream; please report it with this text\): TypeError: Cannot read properties of undefined \(reading 'x'\)\n\s+at /,
    );
    expect(report("a string").text).toBe("error: internal error (a bug in dqstream; please report it with this text): a string\n");
  });
});
