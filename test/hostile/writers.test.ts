// Issue 9, point 11: concurrent writers. A window's files are published together, never a mix of
// two runs; a second, unrelated writer of the same endpoint/schedule is refused, and a killed one
// leaves no stuck lock; instances of one monitor group share the lock.
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { publishFolder } from "../../src/formats/publishFolder.js";
import { LOCK_NAME, ReportsLock, ReportsLockedError } from "../../src/sinks/reportsLock.js";
import { ensureBuilt, MAIN } from "../support/cli.js";
import { CONS, minutes, STATS, tempDir, windows } from "./support.js";

beforeAll(() => ensureBuilt());

/** `dqstream replay -` into `reports`, its standard input left open until `end()`. */
function replayFromStdin(dir: string, reports: string) {
  const child = spawn(process.execPath, [MAIN, "replay", "--statistics", STATS, "--constraints", CONS, "--reports", reports, "-"], {
    cwd: dir,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}

const lockMembers = async (reports: string): Promise<string[]> =>
  (await readdir(join(reports, "endpoint", "schedule", LOCK_NAME)).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));

describe("11: concurrent writers", () => {
  it("11: a second replay into the same reports is refused, naming the first; the first finishes whole", async () => {
    const dir = await tempDir("writers");
    const reports = join(dir, "reports");
    const first = replayFromStdin(dir, reports);
    first.child.stdin.write(`${minutes(0, 90).join("\n")}\n`);
    await vi.waitFor(async () => expect(await lockMembers(reports)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    const second = replayFromStdin(dir, reports);
    second.child.stdin.end(`${minutes(0, 30).join("\n")}\n`);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(
      new RegExp(
        `^error: reports ${reports}/endpoint/schedule: is being written by a replay \\(pid ${first.child.pid} on .*\\); stop it, or write elsewhere`,
        "m",
      ),
    );
    expect(second.stderr()).not.toMatch(/\n\s+at /);
    first.child.stdin.end(`${minutes(90, 130).join("\n")}\n`);
    expect(await first.exited).toBe(0);
    const ws = await windows(reports);
    expect([...ws.values()].map((w) => (w["records"] as { counted: number }).counted)).toEqual([60, 60, 10]);
    expect(await lockMembers(reports)).toEqual([]);
  }, 60_000);

  it("11: a replay killed with SIGKILL leaves no stuck lock: the next replay runs at once", async () => {
    const dir = await tempDir("writers-kill");
    const reports = join(dir, "reports");
    const killed = replayFromStdin(dir, reports);
    killed.child.stdin.write(`${minutes(0, 10).join("\n")}\n`);
    await vi.waitFor(async () => expect(await lockMembers(reports)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    killed.child.kill("SIGKILL");
    await killed.exited;
    const next = replayFromStdin(dir, reports);
    next.child.stdin.end(`${minutes(0, 30).join("\n")}\n`);
    expect(await next.exited, next.stderr()).toBe(0);
  }, 60_000);

  it("11: instances of one monitor group share the lock; another group, or a replay, is refused until they release it", async () => {
    const reports = join(await tempDir("writers-lock"), "reports");
    const group = { kind: "monitor", group_id: "g1", topics: ["b", "a"] } as const;
    const one = await ReportsLock.acquire(reports, "e", "s", group);
    const two = await ReportsLock.acquire(reports, "e", "s", { ...group, topics: ["a", "b"] });
    await expect(ReportsLock.acquire(reports, "e", "s", { kind: "monitor", group_id: "g2", topics: ["a", "b"] })).rejects.toThrow(
      /is being written by the monitor of group "g1"/,
    );
    await expect(ReportsLock.acquire(reports, "e", "s", { kind: "replay" })).rejects.toBeInstanceOf(ReportsLockedError);
    // another endpoint/schedule is another lock
    await (await ReportsLock.acquire(reports, "e", "other", { kind: "replay" })).release();
    await one.release();
    await expect(ReportsLock.acquire(reports, "e", "s", { kind: "replay" })).rejects.toBeInstanceOf(ReportsLockedError);
    await two.release();
    await (await ReportsLock.acquire(reports, "e", "s", { kind: "replay" })).release();
  });

  it("11: writers racing to publish one window folder leave one version's files, whole, and nothing hidden behind", async () => {
    const target = join(await tempDir("publish"), "r", "2026", "11", "01", "00");
    const version = (v: number): Array<[string, string]> =>
      ["statistics.json", "constraint_violations.json", "window.json"].map((f) => [f, `${f} of version ${v}\n`]);
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 12 }, (_, v) => publishFolder(target, version(round * 100 + v))));
      const texts = await Promise.all(["statistics.json", "constraint_violations.json", "window.json"].map((f) => readFile(join(target, f), "utf8")));
      const ids = new Set(texts.map((t) => t.replace(/^.* of version /, "")));
      expect(ids.size, texts.join("")).toBe(1);
    }
    expect((await readdir(join(target, ".."))).filter((f) => f !== "00")).toEqual([]);
  });

  it("11: a folder published again keeps the folders of other windows inside it (an hour's folder holding minute folders)", async () => {
    const hour = join(await tempDir("publish-carry"), "2026", "11", "01", "00");
    await publishFolder(join(hour, "10"), [["window.json", "ten-minute window\n"]]);
    await publishFolder(hour, [["window.json", "hourly window, first\n"]]);
    await publishFolder(hour, [["window.json", "hourly window, second\n"]]);
    expect(await readFile(join(hour, "window.json"), "utf8")).toBe("hourly window, second\n");
    expect(await readFile(join(hour, "10", "window.json"), "utf8")).toBe("ten-minute window\n");
  });

  it("11: a window folder left with files of an earlier, crashed run is replaced whole: only this run's four files", async () => {
    const dir = await tempDir("writers-mix");
    const reports = join(dir, "reports");
    // the window 00:00–01:00 reports under its end hour
    const folder = join(reports, "endpoint", "schedule", "2026", "11", "01", "01");
    await mkdir(folder, { recursive: true });
    // what a crash of an earlier run left: its window.json and a half-written temporary file
    await writeFile(join(folder, "window.json"), '{"from": "another run"}\n');
    await writeFile(join(folder, ".statistics.json.4242.0badc0de.tmp"), '{"features": [');
    const file = join(dir, "capture.jsonl");
    await writeFile(file, `${minutes(0, 20).join("\n")}\n`);
    const r = spawn(process.execPath, [MAIN, "replay", "--statistics", STATS, "--constraints", CONS, "--reports", reports, file], { stdio: "ignore" });
    expect(await new Promise((res) => r.on("exit", res))).toBe(0);
    const w = JSON.parse(await readFile(join(folder, "window.json"), "utf8")) as Record<string, unknown>;
    expect(w["item_count"]).toBe(20);
    expect((await readdir(folder)).sort()).toEqual(["constraint_violations.json", "constraints.json", "statistics.json", "window.json"]);
  });
});
