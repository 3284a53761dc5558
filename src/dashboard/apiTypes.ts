/**
 * The dashboard API's answers (docs/dashboard.md): the contract between the server
 * (dashboardData.ts) and the page (ui/), which imports nothing else of the server.
 */

/** What a window's report says of it, as the index keeps it and the API gives it. */
export interface WindowFacts {
  /** The report folder, relative to the store's root: `<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]`. */
  readonly id: string;
  readonly window_start: string;
  readonly window_end: string;
  readonly item_count: number;
  readonly late: number;
  readonly malformed: number;
  /** Records sent to the dead letters: late, malformed and failed by a hook. */
  readonly dead_lettered: number;
  /** Absent for replay's reports (one process: always complete). */
  readonly complete?: boolean;
  readonly missing_partitions?: ReadonlyArray<{ topic: string; partition: number }>;
  readonly correction?: boolean;
  /** Violations per check type (SageMaker's constraint_check_type; types without any are absent). */
  readonly violations: Readonly<Record<string, number>>;
}

/** A window as the timeline lists it. */
export interface WindowSummary extends WindowFacts {
  readonly violation_count: number;
}

export interface SchedulesAnswer {
  readonly schedules: ReadonlyArray<{ endpoint: string; schedule: string; windows: number; first_window_start: string | null; latest: WindowSummary | null }>;
  /** Reports left out because they could not be read, with why. */
  readonly unreadable: ReadonlyArray<{ folder: string; error: string }>;
  /** While the store is being read (the first read of a large store takes a while): windows read of how many; else null. */
  readonly indexing: { read: number; total: number } | null;
}

/** `event: windows` of /api/events: how many windows a refresh added or rewrote, and the newest of them (at most 100). */
export interface WindowsEvent {
  readonly count: number;
  readonly windows: ReadonlyArray<{ endpoint: string; schedule: string; id: string }>;
}

export interface FeatureRow {
  readonly name: string;
  /** statistics.json's inferred_type: Integral, Fractional, String or Unknown. */
  readonly type: string;
  /** baseline_drift_check of the latest window: its metric (linf_robust, chi_squared_p_value…), value and threshold. */
  readonly drift: { metric: string; value: number; threshold: number | null } | null;
  readonly completeness: { value: number; threshold: number | null } | null;
  /** The check types it violated in the latest window. */
  readonly violations: readonly string[];
  /** Higher is worse: one per violation, plus the drift's share of its threshold (below 1). */
  readonly severity: number;
  /** Drift of the latest windows, oldest first (null: not measured). */
  readonly trend: ReadonlyArray<number | null>;
}

export interface OverviewAnswer {
  readonly endpoint: string;
  readonly schedule: string;
  /** The window shown (the latest unless the request named one), or null before any. */
  readonly window: WindowSummary | null;
  /** Whether it is the schedule's latest window. */
  readonly latest: boolean;
  /** Worst first. */
  readonly features: readonly FeatureRow[];
}

export interface TimelineAnswer {
  readonly endpoint: string;
  readonly schedule: string;
  /** Oldest first. */
  readonly windows: readonly WindowSummary[];
}

/**
 * A window's distribution of one feature over the baseline's, as fractions of their items.
 * Numeric: equal-width bins (`edges`, one more than bins). Categorical: the most frequent values.
 * A side is null when it has no distribution (no baseline given, no values in the window).
 */
export type Overlay =
  | { readonly kind: "numeric"; readonly edges: number[]; readonly baseline: number[] | null; readonly window: number[] | null }
  | { readonly kind: "categorical"; readonly values: string[]; readonly baseline: number[] | null; readonly window: number[] | null }
  | { readonly kind: "none" };

export interface FeaturePoint {
  readonly id: string;
  readonly window_start: string;
  readonly drift: number | null;
  readonly drift_threshold: number | null;
  readonly completeness: number | null;
  readonly completeness_threshold: number | null;
  readonly violations: readonly string[];
}

export interface FeatureAnswer {
  readonly endpoint: string;
  readonly schedule: string;
  readonly name: string;
  readonly type: string;
  readonly drift_metric: string | null;
  /** The window the overlay shows. */
  readonly window: WindowSummary | null;
  readonly baseline_available: boolean;
  readonly overlay: Overlay;
  /** Oldest first. */
  readonly series: readonly FeaturePoint[];
}

export interface WindowAnswer {
  readonly id: string;
  /** Where the report is: a local path or an s3:// URI. */
  readonly location: string;
  /** window.json as written. */
  readonly window: Record<string, unknown>;
  /** constraint_violations.json's violations as written. */
  readonly violations: ReadonlyArray<{ feature_name: string; constraint_check_type: string; description: string }>;
  /** Which of the report files the folder has (GET /api/file serves them). */
  readonly files: readonly string[];
}
