// `dqstream dashboard` and `dqstream report --html` as users run them: the built CLI serving a
// reports folder until SIGTERM, writing the HTML file, and refusing bad flags in one line (exit 2).
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import type { SchedulesAnswer } from "../../src/dashboard/apiTypes.js";
import { goldenCopy } from "../support/reportsFixture.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, env: { PATH: process.env["PATH"] } });
}

describe("dqstream dashboard", () => {
  it("serves the reports folder, prints its URL, and stops cleanly on SIGTERM", async () => {
    const dir = await goldenCopy();
    const child = spawn(process.execPath, [CLI, "dashboard", "--reports", dir, "--port", "0", "--log-level", "warn"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const line = (await lines.next()).value as string;
    expect(line).toMatch(new RegExp(`^dashboard of reports folder .+: http://127\\.0\\.0\\.1:\\d+/$`));
    expect((await lines.next()).value).toMatch(/^read 7 windows in \d+ ms$/);
    const url = line.slice(line.lastIndexOf(" ") + 1);
    const s = (await (await fetch(`${url}api/schedules`)).json()) as SchedulesAnswer;
    expect(s.schedules.map((x) => [x.endpoint, x.schedule, x.windows])).toEqual([["churn", "ten-minutes", 7]]);
    expect((await fetch(url)).status).toBe(200);
    const exit = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(stderr).toBe("");
  });

  it("refuses bad flags and a missing folder in one line, without a stack", () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["dashboard", "--reports", "/tmp", "--port", "70000"], 2, /^error: --port: expected 0 to 65535, got "70000"$/],
      [["dashboard", "--reports", "/tmp", "--refresh-seconds", "0"], 2, /^error: --refresh-seconds: expected 0\.5 to 3600 seconds, got "0"$/],
      [["dashboard"], 2, /^error: --reports: required \(or --config with reports_dir\)$/],
      [["dashboard", "--reports", "/no/such/reports"], 1, /no such folder/],
      [["dashboard", "--reports", "/tmp", "--statistics", "/no/such/statistics.json"], 1, /\/no\/such\/statistics\.json/],
    ];
    for (const [args, status, message] of cases) {
      const r = cli(...args);
      expect([args.join(" "), r.status]).toEqual([args.join(" "), status]);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });
});

describe("dqstream report --html", () => {
  it("writes one self-contained file, prints its path, and exits 3 for the latest window's violations", async () => {
    const dir = await goldenCopy();
    const out = join(await mkdtemp(join(tmpdir(), "dq-html-")), "report.html");
    const r = cli("report", "--reports", dir, "--html", out, "--last", "5");
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`^HTML report of 7 windows \\(1 schedule, the latest 5 of each in detail\\): ${out} \\(\\d+ KiB\\)\\n$`));
    const html = await readFile(out, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect((await stat(out)).size).toBeGreaterThan(100_000);
  });

  it("refuses --since and --feature with --html, and --statistics without it", () => {
    expect(cli("report", "--reports", "/tmp", "--html", "/tmp/x.html", "--since", "2026-11-01T00:00:00Z").stderr.trim()).toMatch(
      /^error: --html: shows every feature and window/,
    );
    const r = cli("report", "--reports", "/tmp", "--statistics", "s.json");
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("error: --statistics: applies to --html only");
  });
});
