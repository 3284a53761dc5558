// The dashboard's index (src/dashboard/reportIndex.ts) over a copy of the golden replay's reports
// (churn/ten-minutes, seven windows): what it holds per window, incremental refreshes that read
// only new folders, corrections of incomplete windows, and unreadable reports left out and retried.
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReportIndex } from "../../src/dashboard/reportIndex.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import type { ReportStore } from "../../src/sinks/reportStore/ReportStore.js";
import { goldenCopy } from "../support/reportsFixture.js";

const SCHEDULE = "churn/ten-minutes";

/** A store that counts the files read, to show what a refresh reads. */
function counting(store: ReportStore): { store: ReportStore; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === "read")
          return (key: string) => {
            reads.push(key);
            return target.read(key);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }),
  };
}

/** Copies the latest window as a new one `minutes` later (its window.json times moved too). */
async function addWindow(dir: string, folder: string, start: string, end: string, patch: Record<string, unknown> = {}): Promise<void> {
  const from = join(dir, SCHEDULE, "2026/11/01/01/10");
  const to = join(dir, SCHEDULE, folder);
  await mkdir(to, { recursive: true });
  for (const f of ["statistics.json", "constraints.json", "constraint_violations.json"]) await cp(join(from, f), join(to, f));
  const w = JSON.parse(await readFile(join(from, "window.json"), "utf8")) as Record<string, unknown>;
  await writeFile(join(to, "window.json"), JSON.stringify({ ...w, window_start: start, window_end: end, ...patch }));
}

describe("ReportIndex", () => {
  it("indexes every window in time order with its counts, violations and per-feature check values", async () => {
    const dir = await goldenCopy();
    const index = new ReportIndex(new LocalReportStore(dir));
    const added = await index.refresh();
    expect(added).toHaveLength(7);
    const s = index.schedule("churn", "ten-minutes");
    expect(s?.windows.map((w) => w.window_start)).toEqual(["00:00", "00:10", "00:20", "00:30", "00:40", "00:50", "01:00"].map((t) => `2026-11-01T${t}:00Z`));
    const w = index.window(`${SCHEDULE}/2026/11/01/00/20`);
    const violations = JSON.parse(await readFile(join(dir, SCHEDULE, "2026/11/01/00/20/constraint_violations.json"), "utf8")) as {
      violations: Array<{ feature_name: string; constraint_check_type: string }>;
    };
    expect(Object.values(w?.violations ?? {}).reduce((a, b) => a + b, 0)).toBe(violations.violations.length);
    const window = JSON.parse(await readFile(join(dir, SCHEDULE, "2026/11/01/00/20/window.json"), "utf8")) as {
      item_count: number;
      checks: Array<{ feature_name: string; constraint_check_type: string; value: number; threshold: number }>;
    };
    expect(w?.item_count).toBe(window.item_count);
    for (const c of window.checks.filter((x) => x.constraint_check_type === "baseline_drift_check")) {
      const i = s?.featureIndex(c.feature_name) as number;
      expect(w?.drift[i]).toBe(c.value);
      expect(w?.driftThreshold[i]).toBe(c.threshold);
    }
    for (const v of violations.violations) expect(w?.violating.get(s?.featureIndex(v.feature_name) as number)).toContain(v.constraint_check_type);
  });

  it("a refresh reads only the folders it has not indexed, and tells its listeners", async () => {
    const dir = await goldenCopy();
    const { store, reads } = counting(new LocalReportStore(dir));
    const index = new ReportIndex(store);
    await index.refresh();
    const seen: string[][] = [];
    index.subscribe((added) => seen.push(added.map((w) => w.id)));
    reads.length = 0;
    expect(await index.refresh()).toEqual([]);
    expect(reads).toEqual([]);
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z");
    await addWindow(dir, "2026/11/02/00/00", "2026-11-01T23:50:00Z", "2026-11-02T00:00:00Z");
    const added = await index.refresh();
    expect(added.map((w) => w.id).sort()).toEqual([`${SCHEDULE}/2026/11/01/01/20`, `${SCHEDULE}/2026/11/02/00/00`]);
    expect(new Set(reads.map((r) => r.split("/").slice(0, -1).join("/")))).toEqual(new Set(added.map((w) => w.id)));
    expect(seen).toEqual([added.map((w) => w.id)]);
    expect(index.schedule("churn", "ten-minutes")?.windows.at(-1)?.window_start).toBe("2026-11-01T23:50:00Z");
  });

  it("a window reported incomplete is read again until its correction replaces it", async () => {
    const dir = await goldenCopy();
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z", {
      complete: false,
      missing_partitions: [{ topic: "capture", partition: 1 }],
    });
    const index = new ReportIndex(new LocalReportStore(dir));
    await index.refresh();
    const id = `${SCHEDULE}/2026/11/01/01/20`;
    expect(index.window(id)?.complete).toBe(false);
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z", { complete: true, correction: true, item_count: 999 });
    const replaced = await index.refresh();
    expect(replaced.map((w) => w.id)).toEqual([id]);
    expect(index.window(id)).toMatchObject({ complete: true, correction: true, item_count: 999 });
    expect(index.schedule("churn", "ten-minutes")?.windows).toHaveLength(8);
  });

  it("an incomplete window read again with the same bytes changes nothing and is not announced", async () => {
    const dir = await goldenCopy();
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z", {
      complete: false,
      missing_partitions: [{ topic: "t", partition: 0 }],
    });
    const { store, reads } = counting(new LocalReportStore(dir));
    const index = new ReportIndex(store);
    await index.refresh();
    const announced: number[] = [];
    index.subscribe((added) => announced.push(added.length));
    reads.length = 0;
    expect(await index.refresh()).toEqual([]);
    // read again (a correction rewrites it in place), found unchanged
    expect(reads).toEqual([`${SCHEDULE}/2026/11/01/01/20/window.json`, `${SCHEDULE}/2026/11/01/01/20/constraint_violations.json`]);
    expect(announced).toEqual([]);
  });

  it("a window written into an earlier day (a backfill) is found by the next full listing", async () => {
    const dir = await goldenCopy();
    let now = 0;
    const index = new ReportIndex(new LocalReportStore(dir), { fullListingMs: 60_000, now: () => now });
    await index.refresh();
    await addWindow(dir, "2026/10/31/12/00", "2026-10-31T11:50:00Z", "2026-10-31T12:00:00Z");
    now = 30_000;
    expect(await index.refresh()).toEqual([]);
    now = 60_000;
    expect((await index.refresh()).map((w) => w.id)).toEqual([`${SCHEDULE}/2026/10/31/12/00`]);
    expect(index.schedule("churn", "ten-minutes")?.windows[0]?.window_start).toBe("2026-10-31T11:50:00Z");
  });

  it("equal thresholds of consecutive windows share one array; a first read goes newest first and tells how far it got", async () => {
    const dir = await goldenCopy();
    const seen: Array<{ key: string; reading: { read: number; total: number } | undefined }> = [];
    const local = new LocalReportStore(dir);
    const holder: { index?: ReportIndex } = {};
    const store = new Proxy(local, {
      get(target, prop, receiver) {
        if (prop === "read")
          return (key: string) => {
            seen.push({ key, reading: holder.index?.reading });
            return target.read(key);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const index = new ReportIndex(store, { concurrency: 1 });
    holder.index = index;
    await index.refresh();
    expect(seen[0]).toEqual({ key: `${SCHEDULE}/2026/11/01/01/10/window.json`, reading: { read: 0, total: 7 } });
    expect(seen.at(-1)).toEqual({ key: `${SCHEDULE}/2026/11/01/00/10/constraint_violations.json`, reading: { read: 6, total: 7 } });
    expect(index.reading).toBeUndefined();
    const windows = index.schedule("churn", "ten-minutes")?.windows ?? [];
    expect(windows[1]?.driftThreshold).toBe(windows[0]?.driftThreshold);
    expect(windows[6]?.completenessThreshold).toBe(windows[0]?.completenessThreshold);
  });

  it("dead-lettered counts what window.json's records say went to the dead letters: late, malformed, failed by a hook", async () => {
    const dir = await goldenCopy();
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z", {
      records: { counted: 80, skipped: 0, late: 2, malformed: 3, malformed_by_reason: { not_json: 3 }, hook_errors: { timeout: 1, threw: 4 } },
    });
    const index = new ReportIndex(new LocalReportStore(dir));
    await index.refresh();
    expect(index.window(`${SCHEDULE}/2026/11/01/01/20`)).toMatchObject({ late: 2, malformed: 3, dead_lettered: 10 });
  });

  it("an unreadable report is left out, named, and indexed once it is mended", async () => {
    const dir = await goldenCopy();
    const file = join(dir, SCHEDULE, "2026/11/01/00/30/window.json");
    const good = await readFile(file, "utf8");
    await writeFile(file, "{ not json");
    const index = new ReportIndex(new LocalReportStore(dir));
    await index.refresh();
    expect(index.schedule("churn", "ten-minutes")?.windows).toHaveLength(6);
    expect([...index.unreadable.entries()]).toEqual([[`${SCHEDULE}/2026/11/01/00/30`, expect.stringContaining(file)]]);
    await writeFile(file, good);
    await index.refresh();
    expect(index.unreadable.size).toBe(0);
    expect(index.schedule("churn", "ten-minutes")?.windows).toHaveLength(7);
  });

  it("a window.json whose checks are not what evaluateWindow writes is unreadable, naming the entry", async () => {
    const dir = await goldenCopy();
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z", {
      checks: [{ feature_name: "x", constraint_check_type: "baseline_drift_check", verdict: "pass", metric: "linf_robust", value: "0.3", threshold: 0.1 }],
    });
    await addWindow(dir, "2026/11/01/01/30", "2026-11-01T01:20:00Z", "2026-11-01T01:30:00Z", { checks: "not run: no data in the window" });
    await addWindow(dir, "2026/11/01/01/40", "2026-11-01T01:30:00Z", "2026-11-01T01:40:00Z", {
      checks: [{ feature_name: "x", constraint_check_type: "made_up_check" }],
    });
    const index = new ReportIndex(new LocalReportStore(dir));
    await index.refresh();
    expect(index.unreadable.get(`${SCHEDULE}/2026/11/01/01/20`)).toBe(
      `${join(dir, SCHEDULE, "2026/11/01/01/20/window.json")}: $.checks[0].value: expected a number or null`,
    );
    expect(index.unreadable.get(`${SCHEDULE}/2026/11/01/01/40`)).toMatch(/\$\.checks\[0\]\.constraint_check_type: expected one of data_type_check, /);
    // a window without data ran no check: indexed, nothing measured
    const quiet = index.window(`${SCHEDULE}/2026/11/01/01/30`);
    expect(quiet?.drift.every((x) => Number.isNaN(x))).toBe(true);
  });

  it("calls before a run starts share it; a call while one runs gets the next run, which sees what changed", async () => {
    const dir = await goldenCopy();
    const local = new LocalReportStore(dir);
    let release: () => void = () => {};
    let gate: Promise<void> | undefined;
    const store = new Proxy(local, {
      get(target, prop, receiver) {
        if (prop === "folders")
          return async (folder: string) => {
            if (gate !== undefined) await gate;
            return target.folders(folder);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const index = new ReportIndex(store);
    const a = index.refresh();
    const b = index.refresh();
    expect(b).toBe(a);
    expect(await a).toHaveLength(7);
    gate = new Promise((r) => (release = r));
    const running = index.refresh();
    // let the run start and wait at the gate, then add a window it may not have listed
    await new Promise((r) => setTimeout(r, 20));
    const during = index.refresh();
    expect(during).not.toBe(running);
    await addWindow(dir, "2026/11/01/01/20", "2026-11-01T01:10:00Z", "2026-11-01T01:20:00Z");
    gate = undefined;
    release();
    const [r1, r2] = await Promise.all([running, during]);
    expect([...r1, ...r2].map((w) => w.id)).toEqual([`${SCHEDULE}/2026/11/01/01/20`]);
    await rm(dir, { recursive: true });
  });
});
