// `dqstream report` (src/cli/reportCommand.ts) over a real reports folder: the golden replay's
// seven windows of churn/ten-minutes (test/golden/replay/csv-start), copied, with a second
// schedule, a damaged report and an incomplete window added where a case needs them. In process
// for the output; the built CLI for the exit codes and the one-line errors.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runReportCommand, VIOLATIONS_EXIT_CODE } from "../../src/cli/reportCommand.js";

const ROOT = resolve(import.meta.dirname, "../..");
const GOLDEN = join(ROOT, "test/golden/replay/csv-start/expected/reports");
const CLI = join(ROOT, "dist/cli/main.js");
const FOLDER = (hhmm: string): string => `churn/ten-minutes/2026/11/01/${hhmm}`;

async function reportsCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "dq-report-"));
  await cp(GOLDEN, dir, { recursive: true });
  return dir;
}

async function run(flags: Record<string, unknown>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runReportCommand(
    flags,
    (t) => void (out += t),
    (t) => void (err += t),
  );
  return { code, out, err };
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, "report", ...args], { encoding: "utf8", env: { PATH: process.env["PATH"] } });
}

describe("dqstream report", () => {
  it("lists every window with its counts and violations, and exits 3 because the latest window has violations", async () => {
    const dir = await reportsCopy();
    const r = await run({ reports: dir });
    expect(r.code).toBe(VIOLATIONS_EXIT_CODE);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("churn / ten-minutes: 7 windows, 6 with violations; latest HAS VIOLATIONS");
    expect(lines[1]).toMatch(/^window start \(UTC\)\s+items\s+late\s+malformed\s+violations$/);
    expect(lines.filter((l) => l.startsWith("2026-11-01 "))).toHaveLength(7);
    expect(lines[2]).toMatch(/^2026-11-01 00:00Z\s+80\s+0\s+0\s+–$/);
    // the window 00:10–00:20 has three violations, named by check type and feature
    const v = JSON.parse(await readFile(join(dir, FOLDER("00/20"), "constraint_violations.json"), "utf8")) as {
      violations: Array<{ feature_name: string; constraint_check_type: string }>;
    };
    const row = lines.find((l) => l.startsWith("2026-11-01 00:10Z")) as string;
    expect(row).toContain(`3  ${v.violations[0]?.constraint_check_type}: ${v.violations[0]?.feature_name}`);
    for (const x of v.violations) expect(row).toContain(x.feature_name);
    expect(r.err).toBe("");
  });

  it("--feature keeps that feature's violations, and the exit code follows them", async () => {
    const dir = await reportsCopy();
    const latest = JSON.parse(await readFile(join(dir, FOLDER("01/10"), "constraint_violations.json"), "utf8")) as {
      violations: Array<{ feature_name: string }>;
    };
    const violating = latest.violations[0]?.feature_name as string;
    const flagged = await run({ reports: dir, feature: violating, json: true });
    expect(flagged.code).toBe(3);
    const j = JSON.parse(flagged.out) as { schedules: Array<{ windows: Array<{ violations: Array<{ feature_name: string }> }> }> };
    expect(j.schedules[0]?.windows.flatMap((w) => w.violations.map((x) => x.feature_name)).every((f) => f === violating)).toBe(true);
    const clean = await run({ reports: dir, feature: "no_such_feature" });
    expect(clean.code).toBe(0);
    expect(clean.out.split("\n")[0]).toBe("churn / ten-minutes: 7 windows, 0 with violations of no_such_feature; latest clean");
  });

  it("--since and --last pick the windows; --json prints them for scripts", async () => {
    const dir = await reportsCopy();
    const r = await run({ reports: dir, since: "2026-11-01T00:30:00Z", last: "2", json: true });
    const j = JSON.parse(r.out) as {
      reports: string;
      exit_code: number;
      schedules: Array<{ endpoint: string; schedule: string; latest_has_violations: boolean; windows: Array<Record<string, unknown>> }>;
    };
    expect(j.exit_code).toBe(r.code);
    expect(j.schedules.map((s) => [s.endpoint, s.schedule])).toEqual([["churn", "ten-minutes"]]);
    const windows = j.schedules[0]?.windows ?? [];
    expect(windows.map((w) => w["window_start"])).toEqual(["2026-11-01T00:50:00Z", "2026-11-01T01:00:00Z"]);
    expect(windows[1]).toMatchObject({ window_end: "2026-11-01T01:10:00Z", item_count: 80, late: 0, malformed: 0, location: join(dir, FOLDER("01/10")) });
    const since = await run({ reports: dir, since: "2026-11-01T00:30:00Z" });
    expect(since.out.split("\n")[0]).toMatch(/^churn \/ ten-minutes: 4 windows since 2026-11-01T00:30:00Z/);
  });

  it("one report per schedule; --endpoint and --schedule choose; an incomplete window says which partitions it missed", async () => {
    const dir = await reportsCopy();
    await cp(join(dir, "churn/ten-minutes"), join(dir, "churn/hourly"), { recursive: true });
    // the latest hourly window is clean, and went out incomplete
    const last = join(dir, "churn/hourly/2026/11/01/01/10");
    await writeFile(join(last, "constraint_violations.json"), JSON.stringify({ violations: [] }));
    const w = JSON.parse(await readFile(join(last, "window.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(last, "window.json"), JSON.stringify({ ...w, complete: false, missing_partitions: [{ topic: "captures", partition: 2 }] }));
    const both = await run({ reports: dir });
    expect(both.code).toBe(3); // ten-minutes' latest has violations
    expect(both.out).toContain("churn / hourly: 7 windows, 5 with violations; latest clean");
    expect(both.out).toMatch(/2026-11-01 01:00Z\s+80\s+0\s+0\s+no \(captures@2\)\s+–/);
    const hourly = await run({ reports: dir, endpoint: "churn", schedule: "hourly" });
    expect(hourly.code).toBe(0);
    expect(hourly.out).not.toContain("ten-minutes");
  });

  it("a damaged report is skipped with a warning naming its file; the others are shown", async () => {
    const dir = await reportsCopy();
    await writeFile(join(dir, FOLDER("01/10"), "window.json"), "{ not json");
    const r = await run({ reports: dir });
    expect(r.err).toMatch(new RegExp(`^warning: skipped ${join(dir, FOLDER("01/10"), "window.json").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: .+\\n$`));
    expect(r.out.split("\n")[0]).toBe("churn / ten-minutes: 6 windows, 5 with violations; latest HAS VIOLATIONS");
  });

  it("--window prints one window's detail and exits by its violations", async () => {
    const dir = await reportsCopy();
    const r = await run({ window: join(dir, FOLDER("00/10")) });
    expect(r.code).toBe(0);
    expect(r.out).toBe(`window 2026-11-01T00:00:00Z – 2026-11-01T00:10:00Z  (${join(dir, FOLDER("00/10"))})\nitems 80 · late 0 · malformed 0\nno violations\n`);
    const v = await run({ window: join(dir, FOLDER("00/20")) });
    expect(v.code).toBe(3);
    expect(v.out).toMatch(/\n3 violations:\nfeature\s+check\s+description\n/);
    expect(v.out).toContain("Baseline drift distance:");
  });

  it("the built CLI: exit 3 and 0 for scripts, and one line with exit 1 or 2 for what is wrong", async () => {
    const dir = await reportsCopy();
    expect(cli("--reports", dir).status).toBe(3);
    expect(cli("--reports", dir, "--feature", "no_such_feature").status).toBe(0);
    const empty = cli("--reports", join(dir, "churn"));
    expect(empty.status).toBe(1);
    expect(empty.stderr).toBe(
      `error: ${join(dir, "churn")}: no window reports (a report is a folder <endpoint>/<schedule>/YYYY/MM/DD/HH[/mm] with window.json)\n`,
    );
    const none = cli("--reports", dir, "--endpoint", "other");
    expect(none.stderr).toMatch(/^error: .*: no window reports for endpoint other \(/);
    const since = cli("--reports", dir, "--since", "yesterday");
    expect(since.status).toBe(2);
    expect(since.stderr).toBe('error: --since: expected an ISO 8601 time such as 2026-11-01T00:00:00Z, got "yesterday"\n');
    const last = cli("--reports", dir, "--last", "0");
    expect(last.status).toBe(2);
    expect(last.stderr).toBe('error: --last: expected 1 to 100000 windows, got "0"\n');
    const missing = cli("--window", join(dir, "nowhere"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`error: ${join(dir, "nowhere", "window.json")}: cannot read: there is no such file\n`);
    expect(cli().stderr).toBe("error: --reports: required (or --config with reports_dir, or --window)\n");
    // a config file gives reports_dir (a monitor's or replay's, or just that key); its unknown keys are errors
    await writeFile(join(dir, "report.yaml"), `reports_dir: ${dir}\n`);
    expect(cli("--config", join(dir, "report.yaml")).status).toBe(3);
    await writeFile(join(dir, "bad.yaml"), `reports_dir: ${dir}\nreport_dir: x\n`);
    const bad = cli("--config", join(dir, "bad.yaml"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("report_dir");
  });
});
