// The dashboard in a real browser (headless Chromium, test/support/browser.ts): served by
// `dqstream dashboard` over a replayed reports folder (the demo's baseline and captures), as the
// HTML file of `dqstream report --html`, and by `dqstream monitor` fed by the real broker, where a
// window closed while the page is open appears without a reload. Every page loads with no console
// error and no request leaving the host. The README's screenshots are taken here.
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { readWindow, windowFolders } from "../../src/reports/readReports.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import { inkedPixels, openPage, type WatchedPage } from "../support/browser.js";
import { cleanups, lineIndexAt, monitor, monitorConfig, newTopics, produceCapture, ROOT, STATISTICS, tempDir } from "./monitorHarness.js";

const CLI = join(ROOT, "dist/cli/main.js");
const SCREENSHOTS = join(ROOT, "docs/img");
const pages: WatchedPage[] = [];

afterEach(async () => {
  for (const p of pages.splice(0)) await p.close();
});

async function browse(): Promise<WatchedPage> {
  const p = await openPage();
  pages.push(p);
  return p;
}

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 && r.status !== 3) throw new Error(`dqstream ${args[0]} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The demo's reports (scripts/demo.mjs into a temporary folder): a baseline of examples/data/training.csv, eight hours of examples/capture replayed against it (some drift). */
async function demoReports(): Promise<{ reports: string; statistics: string }> {
  const out = await tempDir();
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/demo.mjs"), out], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/demo.mjs exited ${r.status}: ${r.stderr}`);
  return { reports: join(out, "reports"), statistics: join(out, "baseline/statistics.json") };
}

/** The features a window (its id: endpoint/schedule/folder) violates. */
async function violationsIn(reports: string, id: string): Promise<Set<string>> {
  const { violations } = await readWindow(new LocalReportStore(reports), id);
  return new Set(violations.map((x) => x.feature_name));
}

/** The features the latest window of a schedule violates. */
async function latestViolations(reports: string, endpoint: string, schedule: string): Promise<Set<string>> {
  const latest = (await windowFolders(new LocalReportStore(reports), endpoint, schedule)).at(-1) as { folder: string };
  return violationsIn(reports, `${endpoint}/${schedule}/${latest.folder}`);
}

async function startDashboardCli(reports: string, statistics: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [CLI, "dashboard", "--reports", reports, "--statistics", statistics, "--port", "0", "--refresh-seconds", "0.5", "--log-level", "warn"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  cleanups.push(async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  });
  // the URL, then "read N windows in … ms" once the store is read
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = (await lines.next()).value as string;
  await lines.next();
  return line.slice(line.lastIndexOf(" ") + 1);
}

/** The overview's rows: feature name → whether it is marked violating. */
async function overviewRows(p: WatchedPage): Promise<Map<string, boolean>> {
  await p.page.waitForSelector("#overview tbody tr");
  const rows = await p.page.$$eval("#overview tbody tr", (trs) =>
    trs.map(
      (tr) =>
        [
          (tr as unknown as { dataset: Record<string, string> }).dataset["feature"] ?? "",
          (tr as unknown as { className: string }).className.includes("violating"),
        ] as const,
    ),
  );
  return new Map(rows);
}

/** Checks the feature view's distribution chart: drawn, with the baseline and the window overlaid. */
async function expectOverlay(p: WatchedPage): Promise<void> {
  await p.page.waitForSelector("#chart-distribution[data-drawn='true']");
  const labels = (await p.page.getAttribute("#chart-distribution", "data-datasets"))?.split(",") ?? [];
  expect(labels[0]).toBe("baseline");
  expect(labels[1]).toMatch(/^window /);
  expect(await inkedPixels(p.page, "#chart-distribution")).toBeGreaterThan(2_000);
  await p.page.waitForSelector("#chart-drift[data-drawn='true']");
  expect(await inkedPixels(p.page, "#chart-drift")).toBeGreaterThan(1_000);
}

function onlyFrom(requests: readonly string[], origin: string): string[] {
  return requests.filter((u) => !u.startsWith(origin));
}

describe("dashboard in Chromium", () => {
  it("over a replayed reports folder: every feature listed, violations marked, the feature chart overlaid on the baseline; a new window appears without a reload", async () => {
    const { reports, statistics } = await demoReports();
    const url = await startDashboardCli(reports, statistics);
    const origin = new URL(url).origin;
    const p = await browse();
    await p.page.goto(url);
    const rows = await overviewRows(p);
    const baseline = JSON.parse(await readFile(statistics, "utf8")) as { features: Array<{ name: string }> };
    expect([...rows.keys()].sort()).toEqual(baseline.features.map((f) => f.name).sort());
    const violating = await latestViolations(reports, "churn-endpoint", "hourly");
    expect(violating.size).toBeGreaterThan(0);
    for (const [name, marked] of rows) expect([name, marked]).toEqual([name, violating.has(name)]);
    await p.page.screenshot({ path: join(SCREENSHOTS, "dashboard-overview.png") });

    await p.page.click(`#overview tbody tr[data-feature="monthly_charge"] a`);
    await expectOverlay(p);
    await p.page.screenshot({ path: join(SCREENSHOTS, "dashboard-feature.png"), fullPage: true });

    await p.page.click("header a.tab:text('Timeline')");
    await p.page.waitForSelector("#timeline tbody tr");
    expect(await p.page.locator("#timeline tbody tr").count()).toBe(8);
    await p.page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    // a ninth hour's report lands in the store while the page is open
    const hourly = join(reports, "churn-endpoint/hourly/2026/11/01");
    await mkdir(join(hourly, "09"), { recursive: true });
    for (const f of ["statistics.json", "constraints.json", "constraint_violations.json"]) await cp(join(hourly, "08", f), join(hourly, "09", f));
    const w = JSON.parse(await readFile(join(hourly, "08/window.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(hourly, "09/window.json"), JSON.stringify({ ...w, window_start: "2026-11-01T08:00:00Z", window_end: "2026-11-01T09:00:00Z" }));
    await expect.poll(() => p.page.locator("#timeline tbody tr").count(), { timeout: 15_000, interval: 100 }).toBe(9);
    expect(await p.page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await p.page.click(`#timeline tbody tr:first-child a`);
    await p.page.waitForSelector("#violations, h2");
    expect(await p.page.textContent("h1")).toContain("2026-11-01 08:00Z");

    // an older window's overview, from its window view: that window's violations marked
    await p.page.click("header a.tab:text('Timeline')");
    await p.page.click(`#timeline tbody tr:nth-child(6) a`);
    await p.page.click("#overview-at");
    await p.page.waitForSelector("#as-of");
    const older = new URLSearchParams(new URL(p.page.url()).hash.split("?")[1]).get("window") as string;
    const olderViolating = await violationsIn(reports, older);
    expect(olderViolating).not.toEqual(violating);
    for (const [name, marked] of await overviewRows(p)) expect([name, marked]).toEqual([name, olderViolating.has(name)]);

    expect(p.errors).toEqual([]);
    expect(onlyFrom(p.requests, origin)).toEqual([]);
  });

  it("the HTML report renders the same views from the file alone, with no request at all", async () => {
    const { reports, statistics } = await demoReports();
    const file = join(await tempDir(), "report.html");
    run("report", "--reports", reports, "--html", file, "--statistics", statistics);
    const p = await browse();
    const url = pathToFileURL(file).href;
    await p.page.goto(url);
    const rows = await overviewRows(p);
    const violating = await latestViolations(reports, "churn-endpoint", "hourly");
    expect(rows.size).toBe(13);
    for (const [name, marked] of rows) expect([name, marked]).toEqual([name, violating.has(name)]);
    await p.page.click(`#overview tbody tr[data-feature="monthly_charge"] a`);
    await expectOverlay(p);
    // another window over the baseline, chosen in the page
    const options = await p.page.$$eval("#window option", (o) => o.map((x) => (x as unknown as { value: string }).value));
    expect(options.length).toBe(8);
    await p.page.selectOption("#window", options[4] as string);
    await expect.poll(() => p.page.url()).toContain(encodeURIComponent(options[4] as string));
    await expectOverlay(p);
    await p.page.click("header a.tab:text('Timeline')");
    await p.page.waitForSelector("#chart-records[data-drawn='true']");
    expect(await p.page.locator("#timeline tbody tr").count()).toBe(8);
    expect(p.errors).toEqual([]);
    expect(p.requests.filter((u) => u !== url && !u.startsWith(`${url}#`))).toEqual([]);
  });

  it("served by the monitor on the real broker: a window closed while the page is open appears without a reload", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dash", 3);
    const reports = await tempDir();
    // windows close by event time only (a long idle close), so each produce closes known windows
    const m = await monitor(monitorConfig({ topic, deadLetterTopic, groupId, reports, idleCloseSeconds: 120 }));
    const url = `${m.url as string}/`;
    await produceCapture(topic, 0, lineIndexAt("2026-11-01T00:30:00Z"));
    await expect.poll(() => m.reportsWritten, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    const p = await browse();
    await p.page.goto(`${url}#/timeline`);
    await p.page.waitForSelector("#timeline tbody tr");
    const before = await p.page.locator("#timeline tbody tr").count();
    expect(before).toBe(m.reportsWritten);
    await p.page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
    await produceCapture(topic, lineIndexAt("2026-11-01T00:30:00Z"), lineIndexAt("2026-11-01T00:50:00Z"));
    await expect.poll(() => m.reportsWritten, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(before + 2);
    await expect.poll(() => p.page.locator("#timeline tbody tr").count(), { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(before + 2);
    expect(await p.page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(7);
    // the overview of the same page lists every baseline feature, the latest window's violations marked
    await p.page.click("header a.tab:text('Overview')");
    const rows = await overviewRows(p);
    const baseline = JSON.parse(await readFile(STATISTICS, "utf8")) as { features: Array<{ name: string }> };
    for (const f of baseline.features) expect(rows.has(f.name)).toBe(true);
    expect([...rows.values()].some((v) => v)).toBe(true);
    // and a feature's distribution over the monitor's own baseline
    await p.page.click(`#overview tbody tr[data-feature="day_mins"] a`);
    await expectOverlay(p);
    expect(p.errors).toEqual([]);
    expect(onlyFrom(p.requests, new URL(url).origin)).toEqual([]);
  });
});
