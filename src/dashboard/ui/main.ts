// The dashboard page (bundled by esbuild into dist/dashboard/assets/app.js with Chart.js; no CDN).
// Views by URL hash: #/overview, #/timeline, #/feature, #/window, each with its query. Data comes
// from the JSON API (live) or from the answers embedded in the page (`dqstream report --html`).
// Everything from reports is put in the page as text (textContent), never as HTML.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { apiKey } from "../apiKey.js";
import type { FeatureAnswer, OverviewAnswer, SchedulesAnswer, TimelineAnswer, WindowAnswer, WindowsEvent, WindowSummary } from "../apiTypes.js";
import "./app.css";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);
Chart.defaults.animation = false;
Chart.defaults.font.family = "system-ui, sans-serif";

const root = document.getElementById("app") as HTMLElement;
const embedded = document.getElementById("dq-answers");
const answers: Record<string, unknown> | undefined = embedded === null ? undefined : (JSON.parse(embedded.textContent ?? "{}") as Record<string, unknown>);
const live = answers === undefined;

const COLORS = { baseline: "#7a8899", window: "#2f6fdb", bad: "#d0342c", threshold: "#d0342c", items: "#2f6fdb", late: "#e39b19", malformed: "#8e44ad" };
const CHECK_COLORS: Record<string, string> = {
  data_type_check: "#8e44ad",
  completeness_check: "#e39b19",
  baseline_drift_check: "#d0342c",
  missing_column_check: "#16a085",
  extra_column_check: "#2c3e50",
  categorical_values_check: "#c0397b",
};

/** The API answer at `path` with `params`: fetched, or read from the page. */
async function api<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const key = apiKey(path, params);
  if (answers !== undefined) {
    if (!Object.hasOwn(answers, key)) throw new Error(`this report does not include ${key}`);
    return answers[key] as T;
  }
  const res = await fetch(key, { headers: { Accept: "application/json" } });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

/** Whether the answer is there: always live; in a report, only what it embedded (its latest windows in detail). */
const has = (path: string, params: Record<string, string | undefined>): boolean => answers === undefined || Object.hasOwn(answers, apiKey(path, params));

type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const fmt = (x: number | null | undefined): string => {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
};
const cellText = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : v === undefined || v === null ? "" : JSON.stringify(v);
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? "–" : `${fmt(x * 100)} %`);
const when = (iso: string): string =>
  iso
    .replace("T", " ")
    .replace(/:00(\.0+)?Z$/, "Z")
    .replace(/\.\d+Z$/, "Z");

interface Route {
  view: "overview" | "timeline" | "feature" | "window";
  q: URLSearchParams;
}
function route(): Route {
  const raw = location.hash.replace(/^#\/?/, "");
  const [name = "", query = ""] = raw.split("?", 2);
  const view = (["overview", "timeline", "feature", "window"] as const).find((v) => v === name) ?? "overview";
  return { view, q: new URLSearchParams(query) };
}
function link(view: Route["view"], params: Record<string, string | undefined>): string {
  return `#/${apiKey(view, params)}`;
}

let schedules: SchedulesAnswer = { schedules: [], unreadable: [], indexing: null };
/** The header's badge: live (with the last event's news), reconnecting, or a static report. */
const status = { text: live ? "live" : "report", className: live ? "live" : "static" };
function setStatus(text: string, className: string): void {
  status.text = text;
  status.className = className;
  const el = document.getElementById("status");
  if (el !== null) {
    el.textContent = text;
    el.className = className;
  }
}
let indexingTimer: ReturnType<typeof setTimeout> | undefined;
let charts: Chart[] = [];
let pending: Array<() => void> = [];
let rendering = 0;

function selected(q: URLSearchParams): { endpoint: string; schedule: string } | undefined {
  const e = q.get("endpoint");
  const s = q.get("schedule");
  if (e !== null && s !== null) return { endpoint: e, schedule: s };
  const first = schedules.schedules[0];
  return first === undefined ? undefined : { endpoint: first.endpoint, schedule: first.schedule };
}

function header(r: Route, sel: { endpoint: string; schedule: string } | undefined): HTMLElement {
  const picker = h("select", { id: "schedule", "aria-label": "endpoint and schedule" });
  for (const s of schedules.schedules) {
    const value = `${s.endpoint}\u0000${s.schedule}`;
    const opt = h("option", { value }, `${s.endpoint} / ${s.schedule} (${s.windows} windows)`);
    if (sel !== undefined && s.endpoint === sel.endpoint && s.schedule === sel.schedule) opt.selected = true;
    picker.append(opt);
  }
  picker.addEventListener("change", () => {
    const [endpoint, schedule] = picker.value.split("\u0000");
    location.hash = link(r.view === "timeline" ? "timeline" : "overview", { endpoint, schedule });
  });
  const tab = (view: Route["view"], label: string): HTMLElement =>
    h("a", { href: link(view, sel ?? {}), class: r.view === view ? "tab active" : "tab" }, label);
  return h(
    "header",
    {},
    h("span", { class: "brand" }, "dqstream"),
    picker,
    h("nav", {}, tab("overview", "Overview"), tab("timeline", "Timeline")),
    h("span", { id: "status", class: status.className }, status.text),
  );
}

function sparkline(values: ReadonlyArray<number | null>, threshold: number | null): SVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const w = 120;
  const hgt = 24;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(hgt));
  svg.setAttribute("class", "spark");
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length === 0) return svg;
  const max = Math.max(...nums, threshold ?? 0) || 1;
  const x = (i: number): number => (values.length === 1 ? w / 2 : (i * (w - 4)) / (values.length - 1) + 2);
  const y = (v: number): number => hgt - 2 - (v / max) * (hgt - 4);
  if (threshold !== null) {
    const t = document.createElementNS(ns, "line");
    t.setAttribute("x1", "0");
    t.setAttribute("x2", String(w));
    t.setAttribute("y1", String(y(threshold)));
    t.setAttribute("y2", String(y(threshold)));
    t.setAttribute("class", "spark-threshold");
    svg.append(t);
  }
  const pts = values.flatMap((v, i) => (v === null ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("class", "spark-line");
  svg.append(line);
  return svg;
}

function badge(check: string): HTMLElement {
  return h("span", { class: "badge", style: `background:${CHECK_COLORS[check] ?? "#555"}` }, check.replace(/_check$/, "").replace(/_/g, " "));
}

function windowFacts(w: WindowSummary): HTMLElement {
  const completeness =
    w.complete === undefined
      ? null
      : w.complete
        ? "all partitions"
        : `incomplete: missing ${(w.missing_partitions ?? []).map((p) => `${p.topic}@${p.partition}`).join(", ")}`;
  return h(
    "p",
    { class: "facts" },
    `${when(w.window_start)} – ${when(w.window_end)} · ${w.item_count} items · ${w.late} late · ${w.malformed} malformed · ${w.dead_lettered} dead-lettered`,
    completeness === null ? null : ` · ${completeness}`,
    w.correction === true ? " · correction" : null,
    " · ",
    h("span", { class: w.violation_count > 0 ? "bad" : "good" }, w.violation_count > 0 ? `${w.violation_count} violations` : "no violations"),
  );
}

/** Draws once the view is in the page (Chart.js sizes a canvas by its attached container). */
function chart(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  pending.push(() => {
    charts.push(new Chart(canvas, config));
    canvas.dataset.datasets = config.data.datasets.map((d) => d.label ?? "").join(",");
    canvas.dataset.drawn = "true";
  });
}

const noReports = (): HTMLElement => h("p", { class: "empty" }, "No window reports yet.");

async function overview(r: Route, main: HTMLElement): Promise<void> {
  const sel = selected(r.q);
  if (sel === undefined) {
    main.append(noReports());
    return;
  }
  // a window named in the URL: the overview as of that window (from the window view)
  const at = r.q.get("window") ?? undefined;
  const o = await api<OverviewAnswer>("/api/overview", { ...sel, window: at });
  const filter = r.q.get("filter") ?? "";
  main.append(h("h1", {}, `${o.endpoint} / ${o.schedule}`));
  if (o.window === null) {
    main.append(noReports());
    return;
  }
  const shown = h("a", { href: link("window", { id: o.window.id }) }, when(o.window.window_start));
  main.append(
    o.latest
      ? h("p", {}, "Latest window: ", shown)
      : h("p", { id: "as-of" }, "Window: ", shown, " · not the latest: ", h("a", { href: link("overview", sel) }, "show the latest window")),
    windowFacts(o.window),
  );
  const search = h("input", { type: "search", id: "filter", placeholder: "filter features", value: filter });
  const body = h("tbody");
  const rows = o.features.map((f) => {
    const bad = f.violations.length > 0;
    const driftBad = f.violations.includes("baseline_drift_check");
    const complBad = f.violations.includes("completeness_check");
    const href = link("feature", { ...sel, name: f.name, window: at });
    const row = h(
      "tr",
      { class: bad ? "violating" : undefined, "data-feature": f.name, tabindex: "0" },
      h("td", {}, h("a", { href }, f.name)),
      h("td", {}, f.type),
      h(
        "td",
        { class: driftBad ? "cell-bad num" : "num", title: f.drift?.metric ?? "" },
        f.drift === null ? "–" : `${fmt(f.drift.value)} / ${fmt(f.drift.threshold)}`,
      ),
      h("td", { class: complBad ? "cell-bad num" : "num" }, f.completeness === null ? "–" : `${pct(f.completeness.value)} / ${pct(f.completeness.threshold)}`),
      h("td", {}, sparkline(f.trend, f.drift?.threshold ?? null)),
      h("td", {}, ...f.violations.map(badge)),
    );
    const open = (): void => {
      location.hash = href;
    };
    row.addEventListener("click", (e) => {
      if ((e.target as HTMLElement).tagName !== "A") open();
    });
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter") open();
    });
    return { row, name: f.name.toLowerCase() };
  });
  const apply = (): void => {
    const needle = search.value.trim().toLowerCase();
    for (const { row, name } of rows) row.hidden = needle !== "" && !name.includes(needle);
  };
  search.addEventListener("input", apply);
  body.append(...rows.map((x) => x.row));
  apply();
  const violating = o.features.filter((f) => f.violations.length > 0).length;
  main.append(
    h(
      "div",
      { class: "toolbar" },
      search,
      h(
        "span",
        { class: "muted" },
        `${o.features.length} features, ${violating} violating · drift is this window's distance / threshold; trend: the ${o.features[0]?.trend.length ?? 0} windows up to it`,
      ),
    ),
    h(
      "table",
      { id: "overview", class: "grid" },
      h(
        "thead",
        {},
        h("tr", {}, ...["feature", "type", "drift / threshold", "completeness / constraint", "drift trend", "violations"].map((t) => h("th", {}, t))),
      ),
      body,
    ),
  );
}

/** A per-window count drawn as a line on the timeline's right-hand axis, over the items' bars. */
function countLine(label: string, data: number[], color: string) {
  return { type: "line" as const, label, data, borderColor: color, backgroundColor: color, yAxisID: "y1", order: 0 };
}

async function timeline(r: Route, main: HTMLElement): Promise<void> {
  const sel = selected(r.q);
  if (sel === undefined) {
    main.append(noReports());
    return;
  }
  const t = await api<TimelineAnswer>("/api/timeline", sel);
  main.append(h("h1", {}, `${t.endpoint} / ${t.schedule}: ${t.windows.length} windows`));
  const labels = t.windows.map((w) => when(w.window_start));
  const open = (i: number): void => {
    const w = t.windows[i];
    if (w !== undefined && has("/api/window", { id: w.id })) location.hash = link("window", { id: w.id });
  };
  const records = h("canvas", { id: "chart-records", "aria-label": "records per window" });
  const violations = h("canvas", { id: "chart-violations", "aria-label": "violations per window by check type" });
  main.append(h("div", { class: "chart tall" }, records), h("div", { class: "chart tall" }, violations));
  const onClick = (_e: unknown, els: Array<{ index: number }>): void => {
    if (els[0] !== undefined) open(els[0].index);
  };
  chart(records, {
    type: "bar",
    data: {
      labels,
      datasets: [
        { type: "bar", label: "items", data: t.windows.map((w) => w.item_count), backgroundColor: COLORS.items, yAxisID: "y", order: 1 },
        countLine(
          "late",
          t.windows.map((w) => w.late),
          COLORS.late,
        ),
        countLine(
          "malformed",
          t.windows.map((w) => w.malformed),
          COLORS.malformed,
        ),
        {
          ...countLine(
            "dead-lettered",
            t.windows.map((w) => w.dead_lettered),
            COLORS.bad,
          ),
          borderDash: [4, 3],
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      onClick,
      scales: {
        y: { position: "left", beginAtZero: true, title: { display: true, text: "items" } },
        y1: {
          position: "right",
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          ticks: { precision: 0 },
          title: { display: true, text: "late · malformed · dead-lettered" },
        },
      },
    },
  });
  const checks = [...new Set(t.windows.flatMap((w) => Object.keys(w.violations)))].sort();
  chart(violations, {
    type: "bar",
    data: {
      labels,
      datasets: checks.map((c) => ({ label: c, data: t.windows.map((w) => w.violations[c] ?? 0), backgroundColor: CHECK_COLORS[c] ?? "#555" })),
    },
    options: { maintainAspectRatio: false, onClick, scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } },
  });
  const rows = [...t.windows]
    .reverse()
    .map((w) =>
      h(
        "tr",
        { class: w.violation_count > 0 ? "violating" : undefined, "data-window": w.id },
        h("td", {}, has("/api/window", { id: w.id }) ? h("a", { href: link("window", { id: w.id }) }, when(w.window_start)) : when(w.window_start)),
        h("td", { class: "num" }, String(w.item_count)),
        h("td", { class: "num" }, String(w.late)),
        h("td", { class: "num" }, String(w.malformed)),
        h("td", { class: "num" }, String(w.dead_lettered)),
        h(
          "td",
          {},
          w.complete === undefined ? "–" : w.complete ? "yes" : `no (${(w.missing_partitions ?? []).map((p) => `${p.topic}@${p.partition}`).join(", ")})`,
        ),
        h("td", {}, ...Object.keys(w.violations).map((c) => h("span", {}, badge(c), ` ${w.violations[c]} `))),
      ),
    );
  main.append(
    h(
      "table",
      { id: "timeline", class: "grid" },
      h("thead", {}, h("tr", {}, ...["window start", "items", "late", "malformed", "dead-lettered", "complete", "violations"].map((x) => h("th", {}, x)))),
      h("tbody", {}, ...rows),
    ),
  );
}

async function feature(r: Route, main: HTMLElement): Promise<void> {
  const sel = selected(r.q);
  const name = r.q.get("name");
  if (sel === undefined || name === null) throw new Error("choose a feature on the overview");
  const windowId = r.q.get("window") ?? undefined;
  const f = await api<FeatureAnswer>("/api/feature", { ...sel, name, window: windowId });
  main.append(
    h("p", { class: "crumbs" }, h("a", { href: link("overview", sel) }, `${sel.endpoint} / ${sel.schedule}`), " › feature"),
    h("h1", {}, `${f.name} `, h("span", { class: "muted" }, `${f.type}${f.drift_metric === null ? "" : ` · drift metric ${f.drift_metric}`}`)),
  );
  const picker = h("select", { id: "window", "aria-label": "window shown over the baseline" });
  for (const p of [...f.series].reverse()) {
    if (p.id !== f.window?.id && !has("/api/feature", { ...sel, name, window: p.id })) continue;
    const opt = h("option", { value: p.id }, `${when(p.window_start)}${p.violations.length > 0 ? ` (${p.violations.length} violations)` : ""}`);
    if (p.id === f.window?.id) opt.selected = true;
    picker.append(opt);
  }
  picker.addEventListener("change", () => {
    location.hash = link("feature", { ...sel, name, window: picker.value });
  });
  main.append(h("div", { class: "toolbar" }, h("label", {}, "window ", picker), f.window === null ? null : windowFacts(f.window)));
  if (!f.baseline_available) main.append(h("p", { class: "muted" }, "The baseline's statistics could not be read: the window is shown alone."));
  const overlay = h("canvas", { id: "chart-distribution", "aria-label": "distribution: window over baseline" });
  main.append(h("h2", {}, "Distribution: window over baseline"), h("div", { class: "chart tall" }, overlay));
  const o = f.overlay;
  if (o.kind === "none") overlay.replaceWith(h("p", { class: "empty" }, "No distribution to draw (no values in this window or the baseline)."));
  else {
    const labels = o.kind === "numeric" ? o.edges.slice(0, -1).map((e, i) => `${fmt(e)}–${fmt(o.edges[i + 1])}`) : o.values;
    const datasets = [
      ...(o.baseline === null ? [] : [{ label: "baseline", data: o.baseline.map((x) => x * 100), backgroundColor: COLORS.baseline }]),
      ...(o.window === null
        ? []
        : [{ label: `window ${f.window === null ? "" : when(f.window.window_start)}`, data: o.window.map((x) => x * 100), backgroundColor: COLORS.window }]),
    ];
    chart(overlay, {
      type: "bar",
      data: { labels, datasets },
      options: {
        maintainAspectRatio: false,
        scales: { y: { title: { display: true, text: "% of items" } } },
        datasets: { bar: { barPercentage: 0.95, categoryPercentage: 0.9 } },
      },
    });
  }
  const labels = f.series.map((p) => when(p.window_start));
  const pick = (_e: unknown, els: Array<{ index: number }>): void => {
    const p = els[0] === undefined ? undefined : f.series[els[0].index];
    if (p !== undefined && has("/api/feature", { ...sel, name, window: p.id })) location.hash = link("feature", { ...sel, name, window: p.id });
  };
  const drift = h("canvas", { id: "chart-drift", "aria-label": "drift distance over time" });
  const completeness = h("canvas", { id: "chart-completeness", "aria-label": "completeness over time" });
  main.append(
    h("h2", {}, "Drift over time"),
    h("div", { class: "chart" }, drift),
    h("h2", {}, "Completeness over time"),
    h("div", { class: "chart" }, completeness),
  );
  const pointColors = (check: string): string[] => f.series.map((p) => (p.violations.includes(check) ? COLORS.bad : COLORS.window));
  /** A measured value over time (points red where its check was violated) and its threshold, dashed. */
  const overTime = (
    canvas: HTMLCanvasElement,
    measured: { label: string; values: Array<number | null>; check: string },
    limit: { label: string; values: Array<number | null> },
    yRange?: { suggestedMin: number; suggestedMax: number },
  ): void =>
    chart(canvas, {
      type: "line",
      data: {
        labels,
        datasets: [
          {
            label: measured.label,
            data: measured.values,
            borderColor: COLORS.window,
            backgroundColor: COLORS.window,
            pointBackgroundColor: pointColors(measured.check),
            spanGaps: true,
          },
          {
            label: limit.label,
            data: limit.values,
            borderColor: COLORS.threshold,
            backgroundColor: COLORS.threshold,
            borderDash: [6, 4],
            pointRadius: 0,
            spanGaps: true,
          },
        ],
      },
      options: { maintainAspectRatio: false, onClick: pick, ...(yRange === undefined ? {} : { scales: { y: yRange } }) },
    });
  overTime(
    drift,
    { label: f.drift_metric ?? "drift", values: f.series.map((p) => p.drift), check: "baseline_drift_check" },
    { label: "threshold", values: f.series.map((p) => p.drift_threshold) },
  );
  overTime(
    completeness,
    { label: "completeness", values: f.series.map((p) => p.completeness), check: "completeness_check" },
    { label: "constraint", values: f.series.map((p) => p.completeness_threshold) },
    { suggestedMin: 0, suggestedMax: 1 },
  );
}

async function windowView(r: Route, main: HTMLElement): Promise<void> {
  const id = r.q.get("id");
  if (id === null) throw new Error("choose a window on the timeline");
  const w = await api<WindowAnswer>("/api/window", { id });
  const [endpoint, schedule] = id.split("/");
  const sel = { endpoint, schedule };
  const j = w.window;
  const records = (j.records ?? {}) as Record<string, unknown>;
  main.append(
    h("p", { class: "crumbs" }, h("a", { href: link("timeline", sel) }, `${endpoint ?? ""} / ${schedule ?? ""}`), " › window"),
    h("h1", {}, `${when(String(j.window_start))} – ${when(String(j.window_end))}`),
    h("p", { class: "muted" }, w.location),
  );
  if (endpoint !== undefined && schedule !== undefined && has("/api/overview", { endpoint, schedule, window: id }))
    main.append(h("p", {}, h("a", { href: link("overview", { endpoint, schedule, window: id }), id: "overview-at" }, "Every feature in this window")));
  const facts: Array<[string, string]> = [
    ["items", String(j.item_count)],
    ...Object.entries(records)
      .filter(([, v]) => typeof v === "number")
      .map(([k, v]): [string, string] => [`records ${k}`, String(v)]),
    ["complete", j.complete === undefined ? "– (one process)" : j.complete === true ? "yes" : "no"],
  ];
  if (Array.isArray(j.missing_partitions))
    facts.push([
      "missing partitions",
      (j.missing_partitions as Array<{ topic: string; partition: number }>).map((p) => `${p.topic}@${p.partition}`).join(", "),
    ]);
  if (j.correction === true) facts.push(["correction", "yes: this report replaces an incomplete one"]);
  main.append(h("table", { class: "facts-table" }, h("tbody", {}, ...facts.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))))));
  const inputs = Array.isArray(j.input) ? (j.input as Array<Record<string, unknown>>) : [];
  if (inputs.length > 0) {
    const cols = [...new Set(inputs.flatMap((i) => Object.keys(i)))];
    main.append(
      h("h2", {}, "Contributing input"),
      h(
        "table",
        { class: "grid", id: "inputs" },
        h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", {}, c)))),
        h("tbody", {}, ...inputs.map((i) => h("tr", {}, ...cols.map((c) => h("td", {}, cellText(i[c])))))),
      ),
    );
  }
  main.append(h("h2", {}, `constraint_violations.json: ${w.violations.length} violations`));
  if (w.violations.length > 0)
    main.append(
      h(
        "table",
        { class: "grid", id: "violations" },
        h("thead", {}, h("tr", {}, ...["feature", "check", "description"].map((c) => h("th", {}, c)))),
        h(
          "tbody",
          {},
          ...w.violations.map((v) =>
            h(
              "tr",
              { class: "violating" },
              h("td", {}, h("a", { href: link("feature", { endpoint, schedule, name: v.feature_name, window: id }) }, v.feature_name)),
              h("td", {}, badge(v.constraint_check_type)),
              h("td", {}, v.description),
            ),
          ),
        ),
      ),
    );
  main.append(h("h2", {}, "Files"));
  if (live)
    main.append(h("ul", { class: "files" }, ...w.files.map((f) => h("li", {}, h("a", { href: apiKey("/api/file", { id, name: f }), target: "_blank" }, f)))));
  else
    main.append(
      h("details", {}, h("summary", {}, "window.json"), h("pre", {}, JSON.stringify(j, null, 2))),
      h("details", {}, h("summary", {}, "constraint_violations.json"), h("pre", {}, JSON.stringify({ violations: w.violations }, null, 2))),
      h("p", { class: "muted" }, `All files: ${w.files.map((f) => `${w.location}/${f}`).join(", ")}`),
    );
}

async function render(): Promise<void> {
  const mine = ++rendering;
  const r = route();
  const scroll = window.scrollY;
  let main: HTMLElement;
  const drawn: Array<() => void> = [];
  pending = drawn;
  try {
    const next = await api<SchedulesAnswer>("/api/schedules");
    if (mine !== rendering) return;
    schedules = next;
    main = h("main", {});
    const views = { overview, timeline, feature, window: windowView };
    if (schedules.indexing !== null)
      main.append(
        h("p", { class: "muted", id: "indexing" }, `Reading the reports store: ${schedules.indexing.read} of ${schedules.indexing.total} windows so far…`),
      );
    await views[r.view](r, main);
    if (schedules.unreadable.length > 0)
      main.append(
        h(
          "details",
          { class: "warning" },
          h("summary", {}, `${schedules.unreadable.length} reports could not be read and are left out`),
          h("ul", {}, ...schedules.unreadable.map((u) => h("li", {}, `${u.folder}: ${u.error}`))),
        ),
      );
  } catch (e) {
    main = h("main", {}, h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : String(e)));
  }
  if (mine !== rendering) return;
  for (const c of charts) c.destroy();
  charts = [];
  root.replaceChildren(header(r, selected(r.q)), main);
  for (const draw of drawn) draw();
  window.scrollTo(0, scroll);
  root.dataset.view = r.view;
  root.dataset.rendered = String(Number(root.dataset.rendered ?? "0") + 1);
  // while the server still reads the store, draw again each second until it is done
  clearTimeout(indexingTimer);
  if (schedules.indexing !== null) indexingTimer = setTimeout(() => void render(), 1_000);
}

window.addEventListener("hashchange", () => void render());
void render();

if (live) {
  // the server announces each new or corrected window; the view in hand is drawn again
  const events = new EventSource("/api/events");
  events.addEventListener("windows", (e) => {
    const event = JSON.parse((e as MessageEvent<string>).data) as WindowsEvent;
    setStatus(`live · ${event.count} new at ${new Date().toISOString().slice(11, 19)}Z`, "live");
    void render();
  });
  events.addEventListener("error", () => setStatus("reconnecting…", "stale"));
  events.addEventListener("open", () => setStatus("live", "live"));
}
