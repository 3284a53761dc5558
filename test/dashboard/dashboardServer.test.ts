// The dashboard's routes and JSON API (src/dashboard/dashboardServer.ts, dashboardData.ts) on the
// monitor's HTTP server, over a copy of the golden replay's reports: every view's answer checked
// against the report files, errors as 400/404 JSON, the page and bundle served from the host, and
// server-sent events announcing a new window.
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FeatureAnswer, OverviewAnswer, SchedulesAnswer, TimelineAnswer, WindowAnswer } from "../../src/dashboard/apiTypes.js";
import { startDashboard, type Dashboard } from "../../src/dashboard/dashboardServer.js";
import { startMonitorServer, type MonitorServer } from "../../src/http/monitorServer.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import { locationReader } from "../../src/storage/readLocation.js";
import { captureLog } from "../support/kafkaStandIn.js";
import { goldenCopy } from "../support/reportsFixture.js";

const SCHEDULE = "churn/ten-minutes";
const q = "endpoint=churn&schedule=ten-minutes";
let running: Array<{ dashboard: Dashboard; server: MonitorServer }> = [];

afterEach(async () => {
  for (const r of running) {
    r.dashboard.close();
    await r.server.close();
  }
  running = [];
});

async function serve(dir: string, refreshSeconds = 60): Promise<{ url: string; dashboard: Dashboard; log: () => string }> {
  const { log, text } = captureLog();
  const dashboard = startDashboard({ store: new LocalReportStore(dir), read: locationReader(undefined), refreshSeconds, log });
  await dashboard.ready;
  const server = await startMonitorServer({ port: 0, log, routes: dashboard.handle });
  running.push({ dashboard, server });
  return { url: server.url, dashboard, log: text };
}

async function get<T>(url: string): Promise<{ status: number; body: T; type: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as T };
}

const violationsOf = async (dir: string, folder: string): Promise<Array<{ feature_name: string; constraint_check_type: string }>> =>
  (
    JSON.parse(await readFile(join(dir, SCHEDULE, folder, "constraint_violations.json"), "utf8")) as {
      violations: Array<{ feature_name: string; constraint_check_type: string }>;
    }
  ).violations;

describe("dashboard API", () => {
  it("schedules and overview: every feature of the latest window, violating ones first and marked", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const s = await get<SchedulesAnswer>(`${url}/api/schedules`);
    expect(s.body.schedules).toEqual([
      expect.objectContaining({ endpoint: "churn", schedule: "ten-minutes", windows: 7, first_window_start: "2026-11-01T00:00:00Z" }),
    ]);
    const o = await get<OverviewAnswer>(`${url}/api/overview?${q}`);
    expect(o.status).toBe(200);
    const baseline = JSON.parse(await readFile("test/golden/baseline/csv-header/statistics.json", "utf8")) as {
      features: Array<{ name: string; inferred_type: string }>;
    };
    // the baseline's features, and the columns the windows had beyond them (extra_column_check)
    const names = o.body.features.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(baseline.features.map((f) => f.name)));
    expect(names.filter((n) => !baseline.features.some((f) => f.name === n)).every((n) => /^_c\d+$/.test(n))).toBe(true);
    for (const f of baseline.features) expect(o.body.features.find((x) => x.name === f.name)?.type).toBe(f.inferred_type);
    const latest = await violationsOf(dir, "2026/11/01/01/10");
    const violating = new Set(latest.map((v) => v.feature_name));
    expect(violating.size).toBeGreaterThan(0);
    // worst first: the violating features lead
    expect(new Set(o.body.features.slice(0, violating.size).map((f) => f.name))).toEqual(violating);
    for (const v of latest) expect(o.body.features.find((f) => f.name === v.feature_name)?.violations).toContain(v.constraint_check_type);
    expect(o.body.features.every((f) => f.trend.length === 7)).toBe(true);
    expect(o.body.window?.id).toBe(`${SCHEDULE}/2026/11/01/01/10`);
    expect(o.body.latest).toBe(true);
  });

  it("overview as of a named window: its features and violations, sparklines ending at it", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const id = `${SCHEDULE}/2026/11/01/00/30`;
    const o = await get<OverviewAnswer>(`${url}/api/overview?${q}&window=${encodeURIComponent(id)}&trend=2`);
    expect(o.status).toBe(200);
    expect(o.body).toMatchObject({ window: { id, window_start: "2026-11-01T00:20:00Z" }, latest: false });
    const expected = await violationsOf(dir, "2026/11/01/00/30");
    const marked = o.body.features.flatMap((f) => f.violations.map((c) => `${c}:${f.name}`)).sort();
    expect(marked).toEqual(expected.map((v) => `${v.constraint_check_type}:${v.feature_name}`).sort());
    // the two windows up to it (00:10–00:20 and 00:20–00:30), not the latest ones
    const t = await get<TimelineAnswer>(`${url}/api/timeline?${q}`);
    const feature = o.body.features.find((f) => f.drift !== null) as OverviewAnswer["features"][number];
    const series = await get<FeatureAnswer>(`${url}/api/feature?${q}&name=${encodeURIComponent(feature.name)}`);
    const at = t.body.windows.findIndex((w) => w.id === id);
    expect(feature.trend).toEqual(series.body.series.slice(at - 1, at + 1).map((x) => x.drift));
    const first = await get<OverviewAnswer>(`${url}/api/overview?${q}&window=${encodeURIComponent(`${SCHEDULE}/2026/11/01/00/10`)}`);
    expect(first.body.features.every((f) => f.trend.length === 1)).toBe(true);
    const missing = await get<{ error: string }>(`${url}/api/overview?${q}&window=${encodeURIComponent(`${SCHEDULE}/2030/01/01/00/00`)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no window "churn\/ten-minutes\/2030\/01\/01\/00\/00" in churn\/ten-minutes/);
  });

  it("timeline: every window with its counts and violations per check type", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const t = await get<TimelineAnswer>(`${url}/api/timeline?${q}`);
    expect(t.body.windows).toHaveLength(7);
    const w = t.body.windows[2];
    const v = await violationsOf(dir, "2026/11/01/00/30");
    expect(w?.violation_count).toBe(v.length);
    const byType: Record<string, number> = {};
    for (const x of v) byType[x.constraint_check_type] = (byType[x.constraint_check_type] ?? 0) + 1;
    expect(w?.violations).toEqual(byType);
    const since = await get<TimelineAnswer>(`${url}/api/timeline?${q}&since=2026-11-01T00:50:00Z`);
    expect(since.body.windows.map((x) => x.window_start)).toEqual(["2026-11-01T00:50:00Z", "2026-11-01T01:00:00Z"]);
  });

  it("feature: drift and completeness over time, and the chosen window over the baseline", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const f = await get<FeatureAnswer>(`${url}/api/feature?${q}&name=day_mins&window=${encodeURIComponent(`${SCHEDULE}/2026/11/01/00/20`)}`);
    expect(f.status).toBe(200);
    expect(f.body.baseline_available).toBe(true);
    expect(f.body.type).toBe("Fractional");
    expect(f.body.window?.window_start).toBe("2026-11-01T00:10:00Z");
    expect(f.body.overlay.kind).toBe("numeric");
    if (f.body.overlay.kind === "numeric") {
      expect((f.body.overlay.baseline ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect((f.body.overlay.window ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    const window = JSON.parse(await readFile(join(dir, SCHEDULE, "2026/11/01/00/20/window.json"), "utf8")) as {
      checks: Array<{ feature_name: string; constraint_check_type: string; value: number }>;
    };
    const drift = window.checks.find((c) => c.feature_name === "day_mins" && c.constraint_check_type === "baseline_drift_check");
    expect(f.body.series[1]?.drift).toBe(drift?.value);
    expect(f.body.series[1]?.violations).toContain("baseline_drift_check");
    const cat = await get<FeatureAnswer>(`${url}/api/feature?${q}&name=state`);
    expect(cat.body.overlay.kind).toBe("categorical");
  });

  it("window and file: the report as written; only an indexed window's report files are served", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const id = `${SCHEDULE}/2026/11/01/00/20`;
    const w = await get<WindowAnswer>(`${url}/api/window?id=${encodeURIComponent(id)}`);
    expect(w.body.window).toEqual(JSON.parse(await readFile(join(dir, id, "window.json"), "utf8")));
    expect(w.body.violations).toEqual(await violationsOf(dir, "2026/11/01/00/20"));
    expect(w.body.files).toEqual(["constraint_violations.json", "statistics.json", "window.json", "constraints.json"]);
    const raw = await fetch(`${url}/api/file?id=${encodeURIComponent(id)}&name=statistics.json`);
    expect(await raw.text()).toBe(await readFile(join(dir, id, "statistics.json"), "utf8"));
    for (const bad of [`id=${encodeURIComponent(id)}&name=..%2F..%2Fetc%2Fpasswd`, `id=${encodeURIComponent("../../..")}&name=window.json`]) {
      const r = await get<{ error: string }>(`${url}/api/file?${bad}`);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatch(/^no (report file|window)/);
    }
  });

  it("bad requests: 400 naming the parameter, 404 naming what is missing, never a stack", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const cases: Array<[string, number, RegExp]> = [
      ["/api/overview?endpoint=churn", 400, /"schedule" is required/],
      ["/api/overview?endpoint=x&schedule=y", 404, /no reports for endpoint "x", schedule "y"/],
      [`/api/feature?${q}&name=nope`, 404, /no feature "nope"/],
      [`/api/feature?${q}&name=state&window=nope`, 404, /no window "nope"/],
      [`/api/timeline?${q}&since=yesterday`, 400, /"since" must be an ISO 8601 time/],
      [`/api/timeline?${q}&limit=0`, 400, /"limit" must be a whole number/],
      ["/api/nothing", 404, /no API \/api\/nothing/],
    ];
    for (const [path, status, message] of cases) {
      const r = await get<{ error: string }>(`${url}${path}`);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.body.error).toMatch(message);
      expect(r.body.error).not.toMatch(/\n\s+at /);
    }
    expect((await fetch(`${url}/api/schedules`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it("serves the page and its bundle from the host; the page names no other origin", async () => {
    const dir = await goldenCopy();
    const { url } = await serve(dir);
    const page = await fetch(`${url}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`<script src="/dashboard/app.js"></script>`);
    expect(html).toContain("Content-Security-Policy");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const js = await fetch(`${url}/dashboard/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await js.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${url}/dashboard/app.css`)).status).toBe(200);
  });

  it("announces a new window on /api/events when it is poked", async () => {
    const dir = await goldenCopy();
    const { url, dashboard } = await serve(dir);
    const res = await fetch(`${url}/api/events`);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const from = join(dir, SCHEDULE, "2026/11/01/01/10");
    const to = join(dir, SCHEDULE, "2026/11/01/01/20");
    await mkdir(to, { recursive: true });
    for (const f of ["statistics.json", "constraints.json", "constraint_violations.json"]) await cp(join(from, f), join(to, f));
    const w = JSON.parse(await readFile(join(from, "window.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(to, "window.json"), JSON.stringify({ ...w, window_start: "2026-11-01T01:10:00Z", window_end: "2026-11-01T01:20:00Z" }));
    dashboard.poke();
    let text = "";
    while (!text.includes("event: windows")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`data: {"count":1,"windows":[{"endpoint":"churn","schedule":"ten-minutes","id":"${SCHEDULE}/2026/11/01/01/20"}]}`);
    const t = await get<TimelineAnswer>(`${url}/api/timeline?${q}`);
    expect(t.body.windows).toHaveLength(8);
  });
});
