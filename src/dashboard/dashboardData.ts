import { readStatistics } from "../baseline/loadBaseline.js";
import { FormatError, parseJsonText } from "../formats/jsonFile.js";
import { StatisticsSchema, type FeatureStatistics, type StatisticsFile } from "../formats/statisticsFormat.js";
import type { LocationReader } from "../storage/readLocation.js";
import type { FeatureAnswer, FeatureRow, OverviewAnswer, SchedulesAnswer, TimelineAnswer, WindowAnswer, WindowSummary } from "./apiTypes.js";
import { overlayOf } from "./histogram.js";
import type { IndexedWindow, ReportIndex, ScheduleIndex } from "./reportIndex.js";

/**
 * The dashboard's JSON API (docs/dashboard.md): what every view shows, computed from the report
 * index (in memory) and, for types and histograms, the few statistics.json files a view needs
 * (cached). The live server answers /api/* with these; `dqstream report --html` embeds them.
 */

/** The report files a window folder has, in the order the window view links them. */
export const REPORT_FILES = ["constraint_violations.json", "statistics.json", "window.json", "constraints.json"] as const;

export interface DashboardDataOptions {
  /** The baseline statistics, when the caller has it (the monitor; `--statistics`). */
  readonly baseline?: StatisticsFile;
  /** Reads the baseline named in window.json when `baseline` is not given (local paths and s3:// URIs). */
  readonly read?: LocationReader;
}

/** A view's request could not be answered: `status` 404 (no such schedule, window, feature) or 400. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** Raw bytes of the statistics.json files kept parsed (the views' distributions and types). */
const CACHED_STATISTICS_BYTES = 32 * 1024 * 1024;
export const DEFAULT_TREND = 20;
export const DEFAULT_SERIES = 500;

const num = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);

export function summaryOf(w: IndexedWindow): WindowSummary {
  return {
    id: w.id,
    window_start: w.window_start,
    window_end: w.window_end,
    item_count: w.item_count,
    late: w.late,
    malformed: w.malformed,
    dead_lettered: w.dead_lettered,
    ...(w.complete === undefined ? {} : { complete: w.complete }),
    ...(w.missing_partitions === undefined ? {} : { missing_partitions: w.missing_partitions }),
    ...(w.correction === true ? { correction: true } : {}),
    violations: w.violations,
    violation_count: Object.values(w.violations).reduce((s, n) => s + n, 0),
  };
}

export class DashboardData {
  readonly #statistics = new Map<string, { stats: Promise<StatisticsFile | undefined>; bytes: number }>();
  readonly #baselines = new Map<string, Promise<StatisticsFile | undefined>>();

  constructor(
    readonly index: ReportIndex,
    readonly options: DashboardDataOptions = {},
  ) {}

  /** GET /api/schedules */
  schedules(): SchedulesAnswer {
    return {
      schedules: this.index.schedules().map((s) => ({
        endpoint: s.endpoint,
        schedule: s.schedule,
        windows: s.windows.length,
        first_window_start: s.windows[0]?.window_start ?? null,
        latest: s.windows.length === 0 ? null : summaryOf(s.windows.at(-1) as IndexedWindow),
      })),
      unreadable: [...this.index.unreadable.entries()].map(([folder, error]) => ({ folder, error })),
      indexing: this.index.reading ?? null,
    };
  }

  /**
   * GET /api/overview?endpoint&schedule[&window][&trend]: a window's features, worst first; the
   * latest window unless `window` names one (the sparklines then end at it).
   */
  async overview(endpoint: string, schedule: string, trend = DEFAULT_TREND, windowId?: string): Promise<OverviewAnswer> {
    const s = this.#schedule(endpoint, schedule);
    const shown = this.#chosen(s, windowId);
    if (shown === undefined) return { endpoint, schedule, window: null, latest: true, features: [] };
    const at = s.position(shown);
    const types = await this.#types(s, shown);
    const recent = s.windows.slice(Math.max(0, at + 1 - trend), at + 1);
    const features = s.features.map((name, i): FeatureRow => {
      const violations = shown.violating.get(i) ?? [];
      const drift = num(shown.drift[i]);
      const driftThreshold = num(shown.driftThreshold[i]);
      const completeness = num(shown.completeness[i]);
      const metric = s.driftMetric.get(name) ?? "";
      // a p-value drifts when it falls below its threshold; a distance when it rises above
      const ratio =
        drift === null || driftThreshold === null || driftThreshold === 0
          ? 0
          : metric.endsWith("p_value")
            ? drift === 0
              ? 2
              : driftThreshold / drift
            : drift / driftThreshold;
      return {
        name,
        type: types.get(name) ?? "Unknown",
        drift: drift === null ? null : { metric, value: drift, threshold: driftThreshold },
        completeness: completeness === null ? null : { value: completeness, threshold: num(shown.completenessThreshold[i]) },
        violations,
        // violations count whole steps; the drift ratio orders within a step
        severity: violations.length + Math.min(ratio, 1000) / 1001,
        trend: recent.map((w) => num(w.drift[i])),
      };
    });
    features.sort((a, b) => b.severity - a.severity || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { endpoint, schedule, window: summaryOf(shown), latest: at === s.windows.length - 1, features };
  }

  /** GET /api/timeline?endpoint&schedule[&since][&limit]: windows oldest first, the last `limit`. */
  timeline(endpoint: string, schedule: string, sinceMs?: number, limit = DEFAULT_SERIES): TimelineAnswer {
    const s = this.#schedule(endpoint, schedule);
    const from = sinceMs === undefined ? s.windows : s.windows.filter((w) => w.startMs >= sinceMs);
    return { endpoint, schedule, windows: from.slice(-limit).map(summaryOf) };
  }

  /** GET /api/feature?endpoint&schedule&name[&window][&limit]: one feature over time, and one window's distribution over the baseline's. */
  async feature(endpoint: string, schedule: string, name: string, windowId?: string, limit = DEFAULT_SERIES): Promise<FeatureAnswer> {
    const s = this.#schedule(endpoint, schedule);
    const i = s.featureIndex(name);
    if (i === undefined) throw new ApiError(404, `no feature "${name}" in ${endpoint}/${schedule}`);
    const chosen = this.#chosen(s, windowId);
    if (chosen === undefined) throw new ApiError(404, `no window in ${endpoint}/${schedule}`);
    const baseline = await this.#baseline(chosen);
    const stats = await this.#windowStatistics(chosen.id);
    const b = baseline?.features.find((f) => f.name === name);
    const w = stats?.features.find((f) => f.name === name);
    return {
      endpoint,
      schedule,
      name,
      type: (b ?? w)?.inferred_type ?? "Unknown",
      drift_metric: s.driftMetric.get(name) ?? null,
      window: summaryOf(chosen),
      baseline_available: baseline !== undefined,
      overlay: overlayOf(b, w),
      series: s.windows.slice(-limit).map((x) => ({
        id: x.id,
        window_start: x.window_start,
        drift: num(x.drift[i]),
        drift_threshold: num(x.driftThreshold[i]),
        completeness: num(x.completeness[i]),
        completeness_threshold: num(x.completenessThreshold[i]),
        violations: x.violating.get(i) ?? [],
      })),
    };
  }

  /** GET /api/window?id: one window's window.json and constraint_violations.json as written, and its files. */
  async window(id: string): Promise<WindowAnswer> {
    const w = this.index.window(id);
    if (w === undefined) throw new ApiError(404, `no window "${id}"`);
    const read = async (name: string): Promise<unknown> => {
      const bytes = await this.index.store.read(`${id}/${name}`);
      if (bytes === undefined) throw new FormatError(this.index.store.locate(`${id}/${name}`), "cannot read: there is no such file");
      return JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
    };
    const present = new Set(await this.index.store.list(id));
    const violations = (await read("constraint_violations.json")) as { violations?: WindowAnswer["violations"] };
    return {
      id,
      location: this.index.store.locate(id),
      window: (await read("window.json")) as Record<string, unknown>,
      violations: violations.violations ?? [],
      files: REPORT_FILES.filter((f) => present.has(f)),
    };
  }

  /** GET /api/file?id&name: a report file's bytes, for one of REPORT_FILES of an indexed window only. */
  async file(id: string, name: string): Promise<Uint8Array> {
    if (!(REPORT_FILES as readonly string[]).includes(name)) throw new ApiError(404, `no report file "${name}": one of ${REPORT_FILES.join(", ")}`);
    if (this.index.window(id) === undefined) throw new ApiError(404, `no window "${id}"`);
    const bytes = await this.index.store.read(`${id}/${name}`);
    if (bytes === undefined) throw new ApiError(404, `${this.index.store.locate(`${id}/${name}`)}: no such file`);
    return bytes;
  }

  /** The window named, else the latest (undefined before any); 404 for a name the schedule does not have. */
  #chosen(s: ScheduleIndex, windowId: string | undefined): IndexedWindow | undefined {
    if (windowId === undefined) return s.windows.at(-1);
    const w = s.window(windowId);
    if (w === undefined) throw new ApiError(404, `no window "${windowId}" in ${s.endpoint}/${s.schedule}`);
    return w;
  }

  #schedule(endpoint: string, schedule: string): ScheduleIndex {
    const s = this.index.schedule(endpoint, schedule);
    if (s === undefined) throw new ApiError(404, `no reports for endpoint "${endpoint}", schedule "${schedule}"`);
    return s;
  }

  /** Feature types: the baseline's, else the window's own statistics. */
  async #types(s: ScheduleIndex, w: IndexedWindow): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const add = (features: readonly FeatureStatistics[] | undefined): void => {
      for (const f of features ?? []) if (!out.has(f.name)) out.set(f.name, f.inferred_type);
    };
    add((await this.#baseline(w))?.features);
    if (s.features.some((n) => !out.has(n))) add((await this.#windowStatistics(w.id))?.features);
    return out;
  }

  /**
   * A window's statistics.json, or undefined when it cannot be read. The latest parsed files are
   * kept while their bytes add up to CACHED_STATISTICS_BYTES (at least one): at 500 features one
   * file is megabytes, parsed several times that.
   */
  #windowStatistics(id: string): Promise<StatisticsFile | undefined> {
    const hit = this.#statistics.get(id);
    if (hit !== undefined) {
      // most recently used last
      this.#statistics.delete(id);
      this.#statistics.set(id, hit);
      return hit.stats;
    }
    const entry: { stats: Promise<StatisticsFile | undefined>; bytes: number } = { stats: Promise.resolve(undefined), bytes: 0 };
    entry.stats = (async () => {
      const bytes = await this.index.store.read(`${id}/statistics.json`).catch(() => undefined);
      if (bytes === undefined) return undefined;
      entry.bytes = bytes.byteLength;
      try {
        return parseJsonText(this.index.store.locate(`${id}/statistics.json`), Buffer.from(bytes).toString("utf8"), StatisticsSchema);
      } catch {
        return undefined;
      } finally {
        this.#evict();
      }
    })();
    this.#statistics.set(id, entry);
    return entry.stats;
  }

  #evict(): void {
    let total = 0;
    for (const e of this.#statistics.values()) total += e.bytes;
    for (const [key, e] of this.#statistics) {
      if (total <= CACHED_STATISTICS_BYTES || this.#statistics.size <= 1) break;
      this.#statistics.delete(key);
      total -= e.bytes;
    }
  }

  /** The baseline a window was checked against: the one given, else the file its window.json names (read once per file). */
  async #baseline(w: IndexedWindow): Promise<StatisticsFile | undefined> {
    if (this.options.baseline !== undefined) return this.options.baseline;
    const read = this.options.read;
    const file = w.baselineFile;
    if (read === undefined || file === undefined) return undefined;
    let p = this.#baselines.get(file);
    if (p === undefined) {
      p = readStatistics(file, read)
        .catch(() => undefined)
        .then((stats) => {
          // a file not readable now (not there yet, S3 failing) is tried again by the next view
          if (stats === undefined) this.#baselines.delete(file);
          return stats;
        });
      this.#baselines.set(file, p);
    }
    return p;
  }
}
