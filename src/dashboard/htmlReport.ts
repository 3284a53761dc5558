import type { StatisticsFile } from "../formats/statisticsFormat.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { LocationReader } from "../storage/readLocation.js";
import { apiKey } from "./apiKey.js";
import { DashboardData } from "./dashboardData.js";
import { answer, readAsset } from "./dashboardServer.js";
import { pageHtml } from "./page.js";
import { ReportIndex } from "./reportIndex.js";

export interface HtmlReportOptions {
  readonly store: ReportStore;
  readonly baseline?: StatisticsFile;
  readonly read?: LocationReader;
  readonly endpoint?: string;
  readonly schedule?: string;
  /** The latest windows per schedule whose window view and feature distributions are included. */
  readonly detailWindows: number;
}

export interface HtmlReport {
  readonly html: string;
  readonly schedules: number;
  readonly windows: number;
  readonly unreadable: ReadonlyMap<string, string>;
  /** Whether a schedule's latest window has violations (`report`'s exit code 3). */
  readonly latest_has_violations: boolean;
}

/**
 * `dqstream report --html`: the dashboard as one file. Every API answer its views ask for is
 * computed here through the same `answer` the server uses and embedded under its request
 * (apiKey), with the page's script and styles: the overview and timeline of each schedule, each
 * feature's view, and the window view, overview and per-feature distributions of the latest
 * `detailWindows` windows (older windows are in the timeline and the drift series, without their detail).
 */
export async function buildHtmlReport(o: HtmlReportOptions): Promise<HtmlReport> {
  const index = new ReportIndex(o.store);
  await index.refresh();
  const data = new DashboardData(index, { ...(o.baseline === undefined ? {} : { baseline: o.baseline }), ...(o.read === undefined ? {} : { read: o.read }) });
  const answers: Record<string, unknown> = {};
  const put = async (path: string, params: Record<string, string | undefined>): Promise<void> => {
    const key = apiKey(path, params);
    const q = new URL(key, "http://report").searchParams;
    answers[key] = await answer(data, path, q);
  };
  const chosen = index
    .schedules()
    .filter((s) => (o.endpoint === undefined || s.endpoint === o.endpoint) && (o.schedule === undefined || s.schedule === o.schedule));
  const all = data.schedules();
  answers[apiKey("/api/schedules")] = {
    ...all,
    schedules: all.schedules.filter((s) => chosen.some((c) => c.endpoint === s.endpoint && c.schedule === s.schedule)),
  };
  let windows = 0;
  for (const s of chosen) {
    const sel = { endpoint: s.endpoint, schedule: s.schedule };
    windows += s.windows.length;
    await put("/api/overview", sel);
    await put("/api/timeline", sel);
    const detail = s.windows.slice(-o.detailWindows);
    for (const w of detail) {
      await put("/api/window", { id: w.id });
      await put("/api/overview", { ...sel, window: w.id });
    }
    for (const name of s.features) {
      await put("/api/feature", { ...sel, name });
      for (const w of detail) await put("/api/feature", { ...sel, name, window: w.id });
    }
  }
  const title = `dqstream report: ${chosen.map((s) => `${s.endpoint}/${s.schedule}`).join(", ")}`;
  const html = pageHtml({ kind: "static", js: await readAsset("app.js"), css: await readAsset("app.css"), title, answers });
  const latest_has_violations = chosen.some((s) => Object.keys(s.windows.at(-1)?.violations ?? {}).length > 0);
  return { html, schedules: chosen.length, windows, unreadable: index.unreadable, latest_has_violations };
}
