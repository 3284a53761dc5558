import { CHECK_TYPES, type CheckType } from "../checks/index.js";
import { FormatError } from "../formats/jsonFile.js";
import { folderTimeMs, readWindow, reportFoldersIn, schedulesIn, windowFolders, type StoredWindow } from "../reports/readReports.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { WindowFacts } from "./apiTypes.js";

/**
 * The dashboard's index of a report store: one small entry per window (its counts, its violations
 * and, per feature, the drift distance and completeness its checks measured), built once from the
 * store and then kept up to date incrementally, so every view is answered from memory however many
 * windows the store holds.
 *
 * Keeping up (`refresh`): for each schedule only the day folders at or after its latest indexed
 * window are listed again (every day folder once per `fullListingMs`, for windows written into
 * earlier days), and only folders not yet indexed are read, plus the latest RECHECKED_WINDOWS
 * windows last seen incomplete (a correction rewrites them in place; the same bytes change
 * nothing). A window that cannot be read is left out and named in `unreadable`; it is tried again
 * on the next refresh.
 */

/** What the index reads of window.json's `checks` (src/engine/evaluateWindow.ts writes it): an array, or a string when no check ran. */
export interface IndexedCheck {
  readonly feature_name: string;
  readonly constraint_check_type: CheckType;
  readonly metric: string;
  readonly value: number | null;
  readonly threshold: number | null;
}

const CHECK_TYPE_SET: ReadonlySet<string> = new Set(CHECK_TYPES);

/**
 * window.json's `checks`, validated by hand: a window of 500 features has 1,500 of them, and
 * this runs for every window of a store (a schema library costs a tenth of the first read here).
 * Other keys are ignored. FormatError naming the first wrong entry.
 */
export function checksOf(location: string, raw: unknown): readonly IndexedCheck[] {
  if (raw === undefined || typeof raw === "string") return [];
  if (!Array.isArray(raw)) throw new FormatError(location, "$.checks: expected an array or a string");
  const isNumberOrNull = (x: unknown): x is number | null => x === null || (typeof x === "number" && Number.isFinite(x));
  raw.forEach((c: unknown, i) => {
    const e = c as Record<string, unknown> | null;
    const bad =
      typeof e !== "object" || e === null
        ? "expected an object"
        : typeof e["feature_name"] !== "string"
          ? "feature_name: expected a string"
          : typeof e["constraint_check_type"] !== "string" || !CHECK_TYPE_SET.has(e["constraint_check_type"])
            ? `constraint_check_type: expected one of ${CHECK_TYPES.join(", ")}`
            : typeof e["metric"] !== "string"
              ? "metric: expected a string"
              : !isNumberOrNull(e["value"])
                ? "value: expected a number or null"
                : !isNumberOrNull(e["threshold"])
                  ? "threshold: expected a number or null"
                  : undefined;
    if (bad !== undefined) throw new FormatError(location, `$.checks[${i}].${bad}`);
  });
  return raw as IndexedCheck[];
}

export interface IndexedWindow extends WindowFacts {
  readonly endpoint: string;
  readonly schedule: string;
  readonly startMs: number;
  /** Violations per check type (types without any are absent). */
  readonly violations: Readonly<Partial<Record<CheckType, number>>>;
  /** StoredWindow.digest: a re-read that finds the same bytes changes nothing. */
  readonly digest: string;
  /** The baseline statistics file window.json names (`baseline.statistics.file`), if any. */
  readonly baselineFile?: string;
  /** Per feature of the schedule (ScheduleIndex.features order): the check types it violated. */
  readonly violating: ReadonlyMap<number, readonly CheckType[]>;
  /** Per feature, NaN where not measured: baseline_drift_check's value and threshold, completeness_check's. */
  readonly drift: Float64Array;
  readonly driftThreshold: Float64Array;
  readonly completeness: Float64Array;
  readonly completenessThreshold: Float64Array;
}

/** One (endpoint, schedule): its features (in the order first seen) and windows in time order. */
export class ScheduleIndex {
  readonly features: string[] = [];
  readonly #featureIndex = new Map<string, number>();
  /** The drift metric each feature's latest window measured (linf_robust, chi_squared_p_value…). */
  readonly driftMetric = new Map<string, string>();
  readonly windows: IndexedWindow[] = [];
  readonly #byId = new Map<string, IndexedWindow>();
  #latestFolderMs: number | undefined;

  constructor(
    readonly endpoint: string,
    readonly schedule: string,
  ) {}

  featureIndex(name: string): number | undefined {
    return this.#featureIndex.get(name);
  }

  window(id: string): IndexedWindow | undefined {
    return this.#byId.get(id);
  }

  /** Where an indexed window is in `windows` (binary search on the start order). */
  position(w: IndexedWindow): number {
    let lo = 0;
    let hi = this.windows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.windows[mid] as IndexedWindow).startMs < w.startMs) lo = mid + 1;
      else hi = mid;
    }
    // windows of one start (folders of two layouts) sit side by side
    while (this.windows[lo] !== w && lo < this.windows.length - 1) lo++;
    return lo;
  }

  /** Adds or replaces the window; true when it is new. */
  put(stored: StoredWindow, checks: readonly IndexedCheck[]): boolean {
    const w = stored.window;
    const indexOf = (name: string): number => {
      let i = this.#featureIndex.get(name);
      if (i === undefined) {
        i = this.features.length;
        this.features.push(name);
        this.#featureIndex.set(name, i);
      }
      return i;
    };
    for (const c of checks) indexOf(c.feature_name);
    for (const v of stored.violations) indexOf(v.feature_name);
    const n = this.features.length;
    const column = (): Float64Array => new Float64Array(n).fill(Number.NaN);
    const drift = column();
    const driftThreshold = column();
    const completeness = column();
    const completenessThreshold = column();
    for (const c of checks) {
      const i = indexOf(c.feature_name);
      if (c.constraint_check_type === "baseline_drift_check") {
        drift[i] = c.value ?? Number.NaN;
        driftThreshold[i] = c.threshold ?? Number.NaN;
        this.driftMetric.set(c.feature_name, c.metric);
      } else if (c.constraint_check_type === "completeness_check") {
        completeness[i] = c.value ?? Number.NaN;
        completenessThreshold[i] = c.threshold ?? Number.NaN;
      }
    }
    const violations: Partial<Record<CheckType, number>> = {};
    const violating = new Map<number, CheckType[]>();
    for (const v of stored.violations) {
      violations[v.constraint_check_type] = (violations[v.constraint_check_type] ?? 0) + 1;
      const i = indexOf(v.feature_name);
      violating.set(i, [...(violating.get(i) ?? []), v.constraint_check_type]);
    }
    // thresholds rarely change from window to window: equal ones share the previous window's array
    const previous = this.windows.at(-1);
    const entry: IndexedWindow = {
      id: stored.folder,
      endpoint: this.endpoint,
      schedule: this.schedule,
      window_start: w.window_start,
      window_end: w.window_end,
      startMs: Date.parse(w.window_start),
      item_count: w.item_count,
      late: w.records?.late ?? 0,
      malformed: w.records?.malformed ?? 0,
      dead_lettered: (w.records?.late ?? 0) + (w.records?.malformed ?? 0) + hookErrorsOf(w),
      ...(w.complete === undefined ? {} : { complete: w.complete }),
      ...(w.missing_partitions === undefined ? {} : { missing_partitions: w.missing_partitions.map((p) => ({ topic: p.topic, partition: p.partition })) }),
      ...(w.correction === true ? { correction: true } : {}),
      digest: stored.digest,
      ...baselineFileOf(w),
      violations,
      violating,
      drift,
      driftThreshold: previous !== undefined && sameValues(previous.driftThreshold, driftThreshold) ? previous.driftThreshold : driftThreshold,
      completeness,
      completenessThreshold:
        previous !== undefined && sameValues(previous.completenessThreshold, completenessThreshold) ? previous.completenessThreshold : completenessThreshold,
    };
    const folderMs = folderTimeMs(entry.id.split("/").slice(2).join("/"));
    if (folderMs !== undefined && (this.#latestFolderMs === undefined || folderMs > this.#latestFolderMs)) this.#latestFolderMs = folderMs;
    const old = this.#byId.get(entry.id);
    this.#byId.set(entry.id, entry);
    if (old !== undefined) {
      this.windows[this.position(old)] = entry;
      return false;
    }
    // windows come mostly in order: insert from the end
    let at = this.windows.length;
    while (at > 0 && (this.windows[at - 1] as IndexedWindow).startMs > entry.startMs) at--;
    this.windows.splice(at, 0, entry);
    return true;
  }

  /** The latest folder time indexed (see folderTimeMs), or undefined before any window. */
  latestFolderMs(): number | undefined {
    return this.#latestFolderMs;
  }
}

/** Element-wise equal, NaN equal to NaN. */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function hookErrorsOf(w: StoredWindow["window"]): number {
  const errors = (w.records as { hook_errors?: unknown } | undefined)?.hook_errors;
  if (typeof errors !== "object" || errors === null) return 0;
  return Object.values(errors).reduce((n: number, x) => n + (typeof x === "number" && Number.isFinite(x) && x > 0 ? x : 0), 0);
}

function baselineFileOf(w: StoredWindow["window"]): { baselineFile?: string } {
  const file = (w["baseline"] as { statistics?: { file?: unknown } } | undefined)?.statistics?.file;
  return typeof file === "string" && file !== "" ? { baselineFile: file } : {};
}

export interface ReportIndexOptions {
  /** Reads in flight at once (S3 stores answer many requests in parallel). Default 16. */
  readonly concurrency?: number;
  /** How often a refresh lists every day folder again, for windows written into earlier days (a backfill). Default 5 minutes. */
  readonly fullListingMs?: number;
  readonly now?: () => number;
}

/** The latest windows of a schedule re-read while they are incomplete (a correction rewrites them; the monitor corrects at most max_correctable_windows, default 24). */
export const RECHECKED_WINDOWS = 48;

export type IndexListener = (added: readonly IndexedWindow[]) => void;

export class ReportIndex {
  readonly #schedules = new Map<string, ScheduleIndex>();
  /** Folders that could not be read on the last attempt, with why. */
  readonly unreadable = new Map<string, string>();
  readonly #listeners = new Set<IndexListener>();
  readonly #concurrency: number;
  readonly #fullListingMs: number;
  readonly #now: () => number;
  #lastFullListing = Number.NEGATIVE_INFINITY;
  #progress: { read: number; total: number } | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #queued: Promise<IndexedWindow[]> | undefined;

  constructor(
    readonly store: ReportStore,
    options: ReportIndexOptions = {},
  ) {
    this.#concurrency = options.concurrency ?? 16;
    this.#fullListingMs = options.fullListingMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** While a refresh reads windows: how many of how many (the first read of a large store takes a while). */
  get reading(): { read: number; total: number } | undefined {
    return this.#progress === undefined ? undefined : { ...this.#progress };
  }

  /** Every (endpoint, schedule) indexed, sorted. */
  schedules(): ScheduleIndex[] {
    return [...this.#schedules.values()].sort((a, b) => (a.endpoint + "\0" + a.schedule < b.endpoint + "\0" + b.schedule ? -1 : 1));
  }

  schedule(endpoint: string, schedule: string): ScheduleIndex | undefined {
    return this.#schedules.get(`${endpoint}/${schedule}`);
  }

  window(id: string): IndexedWindow | undefined {
    const [endpoint, schedule] = id.split("/");
    return endpoint === undefined || schedule === undefined ? undefined : this.schedule(endpoint, schedule)?.window(id);
  }

  /** Called with the windows each refresh adds or replaces (rewritten with other bytes). Returns the unsubscribe. */
  subscribe(listener: IndexListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Brings the index up to the store. Calls made while one runs share the next run (never two
   * at once, never a change missed). Resolves to the windows added or replaced.
   */
  refresh(): Promise<IndexedWindow[]> {
    if (this.#queued !== undefined) return this.#queued;
    const run = this.#tail
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#scan();
      });
    this.#queued = run;
    this.#tail = run;
    return run;
  }

  async #scan(): Promise<IndexedWindow[]> {
    const folders = new Set<string>();
    // the first refresh too: the last full listing is at −∞
    const full = this.#now() - this.#lastFullListing >= this.#fullListingMs;
    if (full) this.#lastFullListing = this.#now();
    for (const { endpoint, schedule } of await schedulesIn(this.store)) {
      const known = this.schedule(endpoint, schedule);
      const root = `${endpoint}/${schedule}`;
      const after = known?.latestFolderMs();
      const found =
        after === undefined || full ? (await windowFolders(this.store, endpoint, schedule)).map((f) => f.folder) : await this.#foldersSince(root, after);
      for (const f of found) {
        const id = `${root}/${f}`;
        if (known?.window(id) === undefined) folders.add(id);
      }
      // windows reported incomplete are rewritten when the missing partitions catch up
      for (const w of known?.windows.slice(-RECHECKED_WINDOWS) ?? []) if (w.complete === false) folders.add(w.id);
    }
    for (const id of this.unreadable.keys()) folders.add(id);
    // newest first: while a large store is read, the latest windows (the overview's) are in first
    const ids = [...folders].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    this.#progress = { read: 0, total: ids.length };
    let added: IndexedWindow[];
    try {
      added = (await this.#readAll(ids)).filter((w): w is IndexedWindow => w !== undefined);
    } finally {
      this.#progress = undefined;
    }
    if (added.length > 0) for (const l of this.#listeners) l(added);
    return added;
  }

  /** Report folders of `root` in day folders at or after `afterMs`'s day, relative to `root`. */
  async #foldersSince(root: string, afterMs: number): Promise<string[]> {
    const d = new Date(afterMs);
    const pad = (x: number): string => String(x).padStart(2, "0");
    const floor = [String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
    const out: string[] = [];
    const walk = async (path: string[], depth: number): Promise<void> => {
      if (depth === 3) {
        const day = path.join("/");
        out.push(...reportFoldersIn(await this.store.list(`${root}/${day}`), day).map((f) => f.folder));
        return;
      }
      // zero-padded fixed-width names: comparing the path so far with the floor's prefix prunes earlier branches
      for (const name of await this.store.folders([root, ...path].join("/"))) {
        const prefix = [...path, name];
        if (prefix.join("/") < floor.slice(0, depth + 1).join("/")) continue;
        await walk(prefix, depth + 1);
      }
    };
    await walk([], 0);
    return out;
  }

  async #readAll(ids: readonly string[]): Promise<Array<IndexedWindow | undefined>> {
    const out: Array<IndexedWindow | undefined> = new Array<IndexedWindow | undefined>(ids.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const i = next++;
        out[i] = await this.#readOne(ids[i] as string);
        if (this.#progress !== undefined) this.#progress.read++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
    return out;
  }

  async #readOne(id: string): Promise<IndexedWindow | undefined> {
    const [endpoint, schedule] = id.split("/") as [string, string];
    const key = `${endpoint}/${schedule}`;
    let stored: StoredWindow;
    let checks: readonly IndexedCheck[];
    try {
      stored = await readWindow(this.store, id);
      // the same bytes as indexed (an incomplete window re-read, not yet corrected): nothing to do
      if (this.#schedules.get(key)?.window(id)?.digest === stored.digest) {
        this.unreadable.delete(id);
        return undefined;
      }
      checks = checksOf(this.store.locate(`${id}/window.json`), stored.window["checks"]);
    } catch (e) {
      this.unreadable.set(id, e instanceof Error ? e.message : String(e));
      return undefined;
    }
    this.unreadable.delete(id);
    let s = this.#schedules.get(key);
    if (s === undefined) {
      s = new ScheduleIndex(endpoint, schedule);
      this.#schedules.set(key, s);
    }
    s.put(stored, checks);
    return s.window(id);
  }
}
