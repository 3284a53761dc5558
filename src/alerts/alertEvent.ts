import type { CheckType } from "../checks/index.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { fingerprintId, type Transition, type TransitionType } from "./lifecycle.js";

/** Version of the alert event's JSON schema; bumped on any incompatible change. */
export const ALERT_EVENT_VERSION = 1;

/**
 * One alert, as every channel carries it (webhook body in `json` format, Kafka message value, log
 * line field `alert`). Keys in this order; times are ISO-8601 UTC seconds; docs/alerts.md.
 */
export interface AlertEvent {
  version: typeof ALERT_EVENT_VERSION;
  type: TransitionType;
  /** `<endpoint>/<schedule>/<check_type>/<feature>`: the Kafka key, unique per alert. */
  fingerprint: string;
  endpoint: string;
  schedule: string;
  feature: string;
  check_type: CheckType;
  /** The window causing this event. */
  window_start: string;
  window_end: string;
  /** Start of the window that opened the alert. */
  opened_window_start: string;
  /** The violation's description (SageMaker's wording) for open and repeat; a sentence saying why for resolved. */
  description: string;
  /** What `value` measures (e.g. "linf_robust", "completeness"), this window's value and the check's threshold; null when the check did not evaluate the feature. */
  metric: string | null;
  value: number | null;
  threshold: number | null;
  /** The window's report folder, relative to the reports folder. */
  report_folder: string;
}

export function toAlertEvent(t: Transition, endpoint: string, schedule: string, resolveAfterCleanWindows: number): AlertEvent {
  const e = t.evaluation;
  return {
    version: ALERT_EVENT_VERSION,
    type: t.type,
    fingerprint: `${endpoint}/${schedule}/${fingerprintId(t.key)}`,
    endpoint,
    schedule,
    feature: t.key.feature,
    check_type: t.key.checkType,
    window_start: isoSeconds(t.window.startMs),
    window_end: isoSeconds(t.window.endMs),
    opened_window_start: isoSeconds(t.openedStartMs),
    description:
      t.violation?.description ??
      `No ${t.key.checkType} violation on ${t.key.feature} in the latest ${resolveAfterCleanWindows === 1 ? "window" : `${resolveAfterCleanWindows} windows`} with data.`,
    metric: e?.metric ?? null,
    value: finiteOrNull(e?.value),
    threshold: finiteOrNull(e?.threshold),
    report_folder: t.window.folder,
  };
}

function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

const HEADLINE: Record<TransitionType, string> = {
  open: ":rotating_light: *OPEN*",
  repeat: ":warning: *STILL OPEN*",
  resolved: ":white_check_mark: *RESOLVED*",
};

/**
 * Slack's incoming-webhook body: `{"text": …}` in Slack's mrkdwn. `&`, `<` and `>` in data (feature
 * names, descriptions) are escaped as Slack requires, so they cannot form links or mentions.
 */
export function slackMessage(e: AlertEvent): { text: string } {
  const value = e.value === null ? "" : ` (${e.metric ?? "value"} ${e.value}${e.threshold === null ? "" : `, threshold ${e.threshold}`})`;
  const since = e.type === "open" ? "" : ` · open since ${e.opened_window_start}`;
  const text =
    `${HEADLINE[e.type]} ${esc(e.endpoint)}/${esc(e.schedule)}: ${e.check_type} on \`${esc(e.feature)}\`\n` +
    `${esc(e.description)}${esc(value)}\n` +
    `window ${e.window_start} to ${e.window_end}${since} · report ${esc(e.report_folder)}`;
  return { text };
}

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
