import type { CheckEvaluation, CheckType, Violation } from "../checks/index.js";
import type { LifecycleConfig } from "./alertsSchema.js";
import type { WindowReport } from "../reports/WindowReport.js";

/**
 * The alert lifecycle, pure: `advance(state, window)` gives the next state and the transitions
 * (open, repeat, resolved) that window causes. No clock, no I/O, no randomness: the same windows
 * in the same order give the same transitions, whether live, replayed or rebuilt after a restart.
 *
 * Rules (docs/alerts.md), per fingerprint (endpoint, schedule, check type, feature):
 * - Only windows with data count (item_count > 0): a window whose checks did not run is evidence
 *   of nothing, so it neither violates nor is clean. Missing windows (no traffic) do not count
 *   either: "the last M windows" are the last M reported windows with data.
 * - Closed: the window's verdict joins `recent` (the last M verdicts); when at least N of them
 *   violate, the alert opens (transition `open`) and `recent` is emptied, so the windows that led
 *   to one alert do not count towards the next one.
 * - Open: a violating window resets the clean streak and sends a `repeat` when at least
 *   repeat_interval_seconds of event time passed from the start of the window of the last open
 *   or repeat to this window's start; a clean window extends the streak, and K in a row resolve
 *   the alert (transition `resolved`).
 * - Each window start is taken once: a window that does not start after the last one taken
 *   (a window re-reported after a restart, or an out-of-order one) changes nothing. This makes
 *   publishing idempotent per window start.
 */

export interface FingerprintKey {
  readonly checkType: CheckType;
  readonly feature: string;
}

/** What the lifecycle needs of a window report (WindowReport, or a report read back from disk). */
export type WindowOutcome = Pick<WindowReport, "startMs" | "endMs" | "folder" | "violations" | "evaluations"> & {
  /** False when the window had no data, so no check ran. */
  readonly hasData: boolean;
};

interface OpenState {
  readonly openedStartMs: number;
  readonly lastNotifiedStartMs: number;
  readonly cleanStreak: number;
}

export interface FingerprintState {
  readonly key: FingerprintKey;
  /** Closed alerts: verdicts of the last ≤ M windows with data, oldest first, true = violated. */
  readonly recent: readonly boolean[];
  readonly open: OpenState | undefined;
}

export interface LifecycleState {
  /** Start of the last window taken (with data or not); undefined before the first. */
  readonly lastWindowStartMs: number | undefined;
  /** Open alerts and closed ones with a violation among their recent windows, by fingerprint id. */
  readonly fingerprints: ReadonlyMap<string, FingerprintState>;
}

export type TransitionType = "open" | "repeat" | "resolved";

export interface Transition {
  readonly type: TransitionType;
  readonly key: FingerprintKey;
  /** Start of the window that opened the alert. */
  readonly openedStartMs: number;
  /** The window causing the transition. */
  readonly window: WindowOutcome;
  /** This window's violation of the fingerprint (open, repeat); undefined for resolved. */
  readonly violation: Violation | undefined;
  /** This window's evaluation of the fingerprint's check, when the check ran on the feature. */
  readonly evaluation: CheckEvaluation | undefined;
}

export function initialState(): LifecycleState {
  return { lastWindowStartMs: undefined, fingerprints: new Map() };
}

/** The fingerprint's identity within one endpoint and schedule: check type, then the feature (the only free text, last). */
export function fingerprintId(key: FingerprintKey): string {
  return `${key.checkType}/${key.feature}`;
}

/** Whether `advance` would take the window (its start is after the last window taken). */
export function isNewWindow(state: LifecycleState, startMs: number): boolean {
  return state.lastWindowStartMs === undefined || startMs > state.lastWindowStartMs;
}

/**
 * The state after `window` and the transitions it causes, in a fixed order: opens and repeats in
 * the order of the window's violations, then resolutions in the order the alerts were first seen.
 */
export function advance(config: LifecycleConfig, state: LifecycleState, window: WindowOutcome): { state: LifecycleState; transitions: Transition[] } {
  if (!isNewWindow(state, window.startMs)) return { state, transitions: [] };
  if (!window.hasData) return { state: { lastWindowStartMs: window.startMs, fingerprints: state.fingerprints }, transitions: [] };

  const violated = new Map<string, Violation>();
  for (const v of window.violations) {
    const id = fingerprintId({ checkType: v.constraint_check_type, feature: v.feature_name });
    if (!violated.has(id)) violated.set(id, v);
  }
  const evaluationOf = (key: FingerprintKey): CheckEvaluation | undefined =>
    window.evaluations.find((e) => e.feature_name === key.feature && e.constraint_check_type === key.checkType);

  const next = new Map<string, FingerprintState>();
  const raised: Transition[] = [];
  const resolved: Transition[] = [];
  const step = (id: string, before: FingerprintState): void => {
    const violation = violated.get(id);
    const { key } = before;
    if (before.open === undefined) {
      const recent = [...before.recent, violation !== undefined].slice(-config.of_last_windows);
      if (recent.filter(Boolean).length >= config.open_after_violating_windows) {
        next.set(id, { key, recent: [], open: { openedStartMs: window.startMs, lastNotifiedStartMs: window.startMs, cleanStreak: 0 } });
        raised.push({ type: "open", key, openedStartMs: window.startMs, window, violation, evaluation: evaluationOf(key) });
      } else if (recent.some(Boolean)) {
        next.set(id, { key, recent, open: undefined });
      }
      return;
    }
    const open = before.open;
    if (violation !== undefined) {
      const due = window.startMs - open.lastNotifiedStartMs >= config.repeat_interval_seconds * 1000;
      next.set(id, { key, recent: [], open: { ...open, cleanStreak: 0, lastNotifiedStartMs: due ? window.startMs : open.lastNotifiedStartMs } });
      if (due) raised.push({ type: "repeat", key, openedStartMs: open.openedStartMs, window, violation, evaluation: evaluationOf(key) });
      return;
    }
    const cleanStreak = open.cleanStreak + 1;
    if (cleanStreak >= config.resolve_after_clean_windows) {
      resolved.push({ type: "resolved", key, openedStartMs: open.openedStartMs, window, violation: undefined, evaluation: evaluationOf(key) });
    } else {
      next.set(id, { key, recent: [], open: { ...open, cleanStreak } });
    }
  };

  for (const [id, before] of state.fingerprints) step(id, before);
  for (const [id, v] of violated) {
    if (!state.fingerprints.has(id)) step(id, { key: { checkType: v.constraint_check_type, feature: v.feature_name }, recent: [], open: undefined });
  }
  const order = [...violated.keys()];
  raised.sort((a, b) => order.indexOf(fingerprintId(a.key)) - order.indexOf(fingerprintId(b.key)));
  return { state: { lastWindowStartMs: window.startMs, fingerprints: next }, transitions: [...raised, ...resolved] };
}

/** The state after each window in turn (the windows need not be sorted: older ones are ignored, as live). */
export function replay(config: LifecycleConfig, windows: Iterable<WindowOutcome>, from: LifecycleState = initialState()): LifecycleState {
  let state = from;
  for (const w of windows) state = advance(config, state, w).state;
  return state;
}

/** The open alerts of a state, for logs and tests. */
export function openAlerts(state: LifecycleState): Array<FingerprintKey & { openedStartMs: number }> {
  return [...state.fingerprints.values()].filter((f) => f.open !== undefined).map((f) => ({ ...f.key, openedStartMs: (f.open as OpenState).openedStartMs }));
}
