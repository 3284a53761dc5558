import type { SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveMonitorConfig } from "../../src/cli/monitorCommand.js";
import { resolveReplayConfig } from "../../src/cli/replayCommand.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { ensureBuilt, ROOT, runCli } from "../support/cli.js";

/**
 * The hostile-input suite, configuration: names, keys and values that must be refused with an
 * error naming where they came from, never applied.
 */

const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-config-"));
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

let cases = 0;
/** A fresh folder `case-N` with the reports folder two levels down, so a `..` escape would show. */
async function freshCase(): Promise<{ dir: string; reports: string }> {
  const dir = join(tmp, `case-${++cases}`);
  const reports = join(dir, "a", "b", "reports");
  await mkdir(reports, { recursive: true });
  return { dir, reports };
}

/** Every path under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

const REFUSED = [".", "..", ".partials", ".hidden", "dead-letter", "Dead-Letter", "a".repeat(256)];
const KEYS = ["endpoint", "schedule"] as const;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function expectRefused(r: SpawnSyncReturns<string>, source: string, key: string): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^error: ${source}: ${key}: `, "m"));
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("12: endpoint and schedule become folder names", () => {
  it("12: '.', '..', hidden, reserved and over-long names are refused from flags, the config file and DQSTREAM_ variables, naming the source and the key", async () => {
    const dir = join(tmp, "names");
    await mkdir(dir, { recursive: true });
    const baseline = { statistics: STATS, constraints: CONS };
    for (const key of KEYS) {
      for (const name of REFUSED) {
        const flag = `--${key}`;
        const variable = `DQSTREAM_${key.toUpperCase()}`;
        const file = join(dir, `${key}-${cases++}.json`);
        await writeFile(file, JSON.stringify({ baseline, reports_dir: "reports", kafka: { brokers: ["127.0.0.1:1"], topics: ["capture"] }, [key]: name }));
        const replayFile = join(dir, `${key}-${cases++}.json`);
        await writeFile(replayFile, JSON.stringify({ baseline, reports_dir: "reports", [key]: name }));
        const flags = { statistics: STATS, constraints: CONS, reports: "reports" };
        const monitorFlags = { ...flags, brokers: "127.0.0.1:1", topic: ["capture"] };
        const attempts: Array<[string, () => Promise<unknown>]> = [
          [flag, () => resolveReplayConfig({ ...flags, [key]: name })],
          [replayFile, () => resolveReplayConfig({ config: replayFile })],
          [flag, () => resolveMonitorConfig({ ...monitorFlags, [key]: name }, {})],
          [variable, () => resolveMonitorConfig(monitorFlags, { [variable]: name })],
          [file, () => resolveMonitorConfig({ config: file }, {})],
        ];
        for (const [source, attempt] of attempts) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `${source} = ${name.slice(0, 20)}`).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toMatch(new RegExp(`^${escapeRegExp(source)}: ${key}: `));
        }
      }
    }
  });

  it("12: the CLI exits 2 before writing anything: replay --endpoint .. --schedule .., monitor with DQSTREAM_SCHEDULE=.partials or endpoint: dead-letter in its file", async () => {
    const a = await freshCase();
    expectRefused(runCli(a.dir, ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", a.reports, "--endpoint", "..", "--schedule", "..", CAPTURE]), "--endpoint", "endpoint");
    // port 1 on loopback: nothing listens, so getting past the configuration would show as a Kafka error, not exit 2
    const monitor = (reports: string): string[] => ["monitor", "--brokers", "127.0.0.1:1", "--topic", "capture", "--statistics", STATS, "--constraints", CONS, "--reports", reports, "--http-port", "0"];
    const b = await freshCase();
    expectRefused(runCli(b.dir, monitor(b.reports), undefined, { DQSTREAM_SCHEDULE: ".partials" }), "DQSTREAM_SCHEDULE", "schedule");
    const c = await freshCase();
    const config = join(c.dir, "monitor.yaml");
    await writeFile(config, "endpoint: dead-letter\n");
    expectRefused(runCli(c.dir, [...monitor(c.reports), "--config", config]), escapeRegExp(config), "endpoint");
    for (const x of [a, b, c]) expect((await tree(x.dir)).filter((p) => p !== "monitor.yaml")).toEqual(["a", "a/b", "a/b/reports"]);
  });

  it("12: names with dots inside, digits, '_' and '-' stay valid folder names", async () => {
    const { dir, reports } = await freshCase();
    const r = runCli(dir, ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", reports, "--endpoint", "churn.v2..x", "--schedule", "_daily-1.", CAPTURE]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(reports, "churn.v2..x", "_daily-1.", "2026"))).toBe(true);
  });
});
